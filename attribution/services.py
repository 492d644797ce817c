"""Writes on attribution: claims, the deliberation on a coordinated
political attribution (considerations, referral to the Council, outcome),
statements (started here; the drafting app writes the rest of their life),
alignments, and strategic communication plans."""

from __future__ import annotations

import datetime
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awareness.models import Assessment, ThreatActor
from cases.models import Case
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.access import can_view_child, visible_children, visible_to
from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry
from cdt.workflow import transition_run
from drafting.permissions import may_draft_note
from drafting.services import note_start
from measures.models import ResponseMeasure

from . import permissions
from .choices import (
    BASIS_PARTY,
    CONSIDERATIONS,
    AttributionOption,
    Basis,
    Channel,
    DeliberationStatus,
    Party,
    PlanStatus,
    Rating,
    StatementStatus,
    StatementType,
)
from .dates import check_date
from .models import (
    PARTNER_KINDS,
    Alignment,
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    ConsiderationComment,
    DeliberationTransition,
    PlanTransition,
    Statement,
)


def _visible_case(case: Case, by) -> Case:
    if not visible_to(Case.objects.filter(pk=case.pk), by).exists():
        raise ValidationError({"case": _("No such case.")})
    return case


def _open_case(case: Case) -> None:
    if not case.is_open:
        raise ValidationError({"case": _("The case is closed.")})


# --- Claims -------------------------------------------------------------------------------------------


def claim_record(
    *,
    by,
    case: Case,
    actor: ThreatActor,
    basis: str,
    claim_type: str,
    confidence: str,
    party: str = "",
    member_state: MemberState | None = None,
    partner: Organisation | None = None,
    industry_source: str = "",
    public: bool = False,
    attributed_to_state: str = "",
    made_on: datetime.date | None = None,
    reference: str = "",
    summary: str = "",
    assessments=(),
    classification: int | None = None,
) -> AttributionClaim:
    """Record who attributes the case's activity to ``actor``. A technical
    attribution rests on assessments linked to the case; a national
    attribution is its Member State's own (it is not an EU attribution)."""
    _visible_case(case, by)
    if basis not in Basis.values:
        raise ValidationError({"basis": _("Unknown basis.")})
    if basis == Basis.NATIONAL and member_state is None:
        raise ValidationError({"member_state": _("Name the Member State.")})
    if not permissions.may_record_claim(by, basis=basis, member_state=member_state):
        raise PermissionDenied(_("A national attribution is recorded by its Member State's delegate; other claims by the EEAS or SIAC."))
    check_date(made_on, case=case, field="made_on")
    party = party or BASIS_PARTY.get(basis, Party.EU)
    assessments = list(assessments)
    if basis == Basis.TECHNICAL or assessments:
        linked = set(visible_to(Assessment.objects.filter(pk__in=[a.pk for a in assessments], cases=case), by).values_list("pk", flat=True))
        missing = [a.pk for a in assessments if a.pk not in linked]
        if (basis == Basis.TECHNICAL and not assessments) or missing:
            raise ValidationError(
                {
                    "assessments": _("A technical attribution rests on assessments linked to the case%(missing)s.")
                    % {"missing": f" (not linked or no such assessment: {', '.join(map(str, missing))})" if missing else ""}
                }
            )
    with transaction.atomic():
        claim = AttributionClaim(
            case=case,
            actor=actor,
            basis=basis,
            claim_type=claim_type,
            confidence=confidence,
            party=party,
            member_state=member_state,
            partner=partner,
            industry_source=industry_source,
            public=public,
            attributed_to_state=attributed_to_state,
            made_on=made_on,
            reference=reference,
            summary=summary,
            recorded_by=by,
            classification=case.classification if classification is None else classification,
        )
        claim.full_clean()
        claim._history_user = by
        claim.save()
        claim.assessments.set(assessments)
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=claim, details={"case": case.pk, "basis": basis, "actor": actor.pk})
    return claim


# --- The deliberation ------------------------------------------------------------------------------------


def _options(options) -> list[str]:
    options = list(dict.fromkeys(options or []))
    unknown = [option for option in options if option not in AttributionOption.values]
    if unknown:
        raise ValidationError({"options_considered": _("Unknown option: %(options)s.") % {"options": ", ".join(map(str, unknown))}})
    return options


def deliberation_open(*, by, case: Case, options_considered=(), recommended_option: str = "") -> AttributionDeliberation:
    """Start the deliberation on a coordinated political attribution for a
    case, with the ten considerations of para 29 to assess."""
    _visible_case(case, by)
    _open_case(case)
    if not permissions.may_open_deliberation(by):
        raise PermissionDenied(_("The chair, the secretariat or the EEAS open the deliberation on attribution."))
    options = _options(options_considered)
    if recommended_option and recommended_option not in AttributionOption.values:
        raise ValidationError({"recommended_option": _("Unknown option.")})
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        if AttributionDeliberation.objects.filter(case=case).exists():
            raise ValidationError({"case": _("The case already has an attribution deliberation.")})
        deliberation = AttributionDeliberation(
            case=case, options_considered=options, recommended_option=recommended_option, opened_by=by, classification=case.classification
        )
        deliberation.full_clean(exclude=["status"])
        deliberation.save()
        Consideration.objects.bulk_create([Consideration(deliberation=deliberation, number=number) for number, _title in CONSIDERATIONS])
        DeliberationTransition.objects.create(deliberation=deliberation, transition="open", source="", target=deliberation.status, by=by)
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=deliberation, details={"case": case.pk})
    return deliberation


def deliberation_set_options(
    *, by, deliberation: AttributionDeliberation, options_considered, recommended_option: str = ""
) -> AttributionDeliberation:
    """The EEAS sets the options considered and the one it recommends, while the considerations are assessed."""
    if not permissions.may_assess_considerations(deliberation, by):
        raise PermissionDenied(_("The EEAS sets out the options."))
    options = _options(options_considered)
    if recommended_option and recommended_option not in options:
        raise ValidationError({"recommended_option": _("Recommend one of the options considered.")})
    with transaction.atomic():
        deliberation = AttributionDeliberation.objects.select_for_update(of=("self",)).get(pk=deliberation.pk)
        if deliberation.status != DeliberationStatus.OPEN:
            raise ValidationError({"options_considered": _("The question is already before the Council.")})
        deliberation.options_considered, deliberation.recommended_option = options, recommended_option
        deliberation.save(update_fields=["options_considered", "recommended_option"])
    return deliberation


def consideration_assess(*, by, deliberation: AttributionDeliberation, number: int, assessment: str, rating: str) -> Consideration:
    """The EEAS's assessment and rating of one consideration (before the
    question goes to the Council; every change is kept in the history)."""
    if not permissions.may_assess_considerations(deliberation, by):
        raise PermissionDenied(_("The EEAS assesses the considerations."))
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Supports, neutral or against.")})
    if not (assessment or "").strip():
        raise ValidationError({"assessment": _("Write the assessment.")})
    with transaction.atomic():
        deliberation = AttributionDeliberation.objects.select_for_update(of=("self",)).get(pk=deliberation.pk)
        if deliberation.status != DeliberationStatus.OPEN:
            raise ValidationError({"rating": _("The question is already before the Council: the grid is fixed.")})
        consideration = Consideration.objects.filter(deliberation=deliberation, number=number).first()
        if consideration is None:
            raise ValidationError({"number": _("No such consideration (1 to %(n)s).") % {"n": len(CONSIDERATIONS)}})
        consideration.assessment, consideration.rating = assessment.strip(), rating
        consideration.assessed_by, consideration.assessed_at = by, timezone.now()
        consideration._history_user = by
        consideration.save()
    return consideration


def consideration_comment(*, by, deliberation: AttributionDeliberation, number: int, text: str) -> ConsiderationComment:
    if not permissions.may_comment_considerations(deliberation, by):
        raise PermissionDenied(_("Delegates comment on the considerations until the outcome is recorded."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the comment.")})
    consideration = Consideration.objects.filter(deliberation=deliberation, number=number).first()
    if consideration is None:
        raise ValidationError({"number": _("No such consideration (1 to %(n)s).") % {"n": len(CONSIDERATIONS)}})
    return ConsiderationComment.objects.create(consideration=consideration, text=text.strip(), author=by, member_state=by.member_state)


def deliberation_refer(
    *,
    by,
    deliberation: AttributionDeliberation,
    text: str = "",
    voting_rule: str = "unanimity",
    body: CouncilBody | None = None,
    on: datetime.date | None = None,
) -> AttributionDeliberation:
    """Put the question of a coordinated political attribution to the
    Council: needs every consideration assessed and rated and a claim on the
    case (the guards of ``refer``). Member States then take positions on the
    question (council app). On the workflow engine (``DeliberationWorkflow``):
    404, 409, 403, 400 for guards and input, in that order; locked, logged,
    audited, with its event."""
    outcome = transition_run(obj=deliberation, transition="refer", by=by, text=text, voting_rule=voting_rule, council_body=body, on=on)
    return cast("AttributionDeliberation", outcome.obj)


def deliberation_conclude(
    *,
    by,
    deliberation: AttributionDeliberation,
    outcome: str,
    on: datetime.date | None = None,
    summary: str = "",
    actors=(),
    attributed_to_state: str = "",
    territory_state: str = "",
    partners=(),
    member_states_alongside=(),
) -> AttributionDeliberation:
    """Record the outcome. An attribution (private or public, alone or with
    partners, on activity emanating from a State's territory, through
    designations in a legal act, a coordinated exposure) needs the Council's
    adopted decision on the question and names the actors it covers, each
    with a claim on the case: it is what unlocks the measures requiring
    attribution for those actors, and only them; only one naming a State as
    responsible unlocks those requiring attribution to a State. ``on``: the
    date of the outcome, past dates welcome (never future, never before the
    case). The input is checked by ``DeliberationWorkflow.clean_input``,
    after the state and the role."""
    result = transition_run(
        obj=deliberation,
        transition="conclude",
        by=by,
        outcome=outcome,
        on=on,
        summary=summary,
        actors=actors,
        attributed_to_state=attributed_to_state,
        territory_state=territory_state,
        partners=partners,
        member_states_alongside=member_states_alongside,
    )
    return cast("AttributionDeliberation", result.obj)


# --- Statements --------------------------------------------------------------------------------------------


def statement_content_clean(content, by=None) -> dict:
    """A statement's content: its text, required."""
    if not isinstance(content, dict):
        raise ValidationError({"content": _("Must be an object.")})
    text = content.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"content": ["text: Required."]})
    return {"text": text.strip()}


def statement_create(
    *,
    by,
    case: Case,
    title: str,
    statement_type: str,
    content: dict,
    deliberation: AttributionDeliberation | None = None,
    partners=(),
) -> Statement:
    """The EEAS starts a declaration or statement on a case (version 1, draft)."""
    _visible_case(case, by)
    if not may_draft_note(None, by):
        raise PermissionDenied(_("The EEAS drafts declarations and statements."))
    if statement_type not in StatementType.values:
        raise ValidationError({"statement_type": _("Unknown type of statement.")})
    if deliberation is not None and deliberation.case_id != case.pk:
        raise ValidationError({"deliberation": _("The deliberation is on another case.")})
    partners = list(partners)
    if any(partner.kind not in PARTNER_KINDS for partner in partners):
        raise ValidationError(
            {
                "partners": _(
                    "Partners are third countries or international organisations of the directory (not a Member State, the secretariat or an EU body)."
                )
            }
        )
    if statement_type == StatementType.JOINT and not partners:
        raise ValidationError({"partners": _("A joint statement names the partners.")})
    content = statement_content_clean(content, by)
    with transaction.atomic():
        statement = Statement(
            case=case,
            deliberation=deliberation,
            title=title,
            statement_type=statement_type,
            content=content,
            drafted_by=by,
            classification=case.classification,
        )
        statement.full_clean(exclude=["status"])
        statement.save()
        statement.partners.set(partners)
        note_start(by=by, note=statement)
    return statement


def alignment_record(*, by, statement: Statement, country: Organisation, aligned_on: datetime.date | None = None) -> Alignment:
    """A third country aligns itself with a published statement: only the
    directory's candidate, potential candidate and EEA/EFTA countries."""
    if not permissions.may_record_alignment(statement, by):
        raise PermissionDenied(_("The EEAS or the secretariat record alignments."))
    if country.kind not in Organisation.ALIGNING_KINDS:
        raise ValidationError(
            {"country": _("%(country)s is not a candidate, potential candidate or EEA/EFTA country.") % {"country": country}}
        )
    with transaction.atomic():
        statement = Statement.objects.select_for_update(of=("self",)).select_related("case").get(pk=statement.pk)
        if statement.status != StatementStatus.PUBLISHED:
            raise ValidationError({"country": _("Countries align with a published statement.")})
        check_date(aligned_on, case=statement.case, field="aligned_on", not_before=statement.published_on)
        if statement.alignments.filter(country=country).exists():
            raise ValidationError({"country": _("%(country)s already aligned.") % {"country": country}})
        alignment = Alignment.objects.create(
            statement=statement, country=country, aligned_on=aligned_on or timezone.localdate(), recorded_by=by
        )
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=statement, details={"alignment": country.code})
    return alignment


# --- Strategic communication --------------------------------------------------------------------------------

PLAN_FIELDS = (
    "title",
    "objectives",
    "audiences",
    "public",
    "channels",
    "timing",
    "embargo_until",
    "lines_to_take",
    "eu_delegations",
    "partner_coordination",
)


def _plan_input(case: Case, by, fields: dict, partners, measures, statement) -> None:
    errors = {}
    channels = fields.get("channels") or []
    if not isinstance(channels, list) or any(channel not in Channel.values for channel in channels):
        errors["channels"] = _("Choose among: %(channels)s.") % {"channels": ", ".join(Channel.values)}
    for name in ("audiences", "eu_delegations"):
        value = fields.get(name) or []
        if not isinstance(value, list) or not all(isinstance(entry, str) and entry.strip() for entry in value):
            errors[name] = _("A list of names.")
    if "objectives" in fields and not (fields["objectives"] or "").strip():
        errors["objectives"] = _("State the objectives.")
    if any(partner.kind not in PARTNER_KINDS for partner in partners or []):
        errors["partners"] = _(
            "Partners are third countries or international organisations of the directory (not a Member State, the secretariat or an EU body)."
        )
    if any(measure.case_id != case.pk for measure in measures or []):
        errors["measures"] = _("Only measures on this case.")
    if statement is not None and statement.case_id != case.pk:
        errors["statement"] = _("Only a statement on this case.")
    if errors:
        raise ValidationError(errors)


def plan_create(
    *, by, case: Case, title: str, objectives: str, partners=(), measures=(), statement: Statement | None = None, **fields
) -> CommunicationPlan:
    """The EEAS drafts the strategic communication plan of a response."""
    _visible_case(case, by)
    if not permissions.may_draft_plan(None, by):
        raise PermissionDenied(_("The EEAS drafts communication plans."))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    fields = {**fields, "title": title, "objectives": objectives}
    _plan_input(case, by, fields, partners, measures, statement)
    with transaction.atomic():
        plan = CommunicationPlan(case=case, statement=statement, drafted_by=by, classification=case.classification, **fields)
        plan.full_clean(exclude=["status"])
        plan._history_user = by
        plan.save()
        plan.partners.set(partners)
        plan.measures.set(measures)
        PlanTransition.objects.create(plan=plan, transition="create", source="", target=plan.status, by=by)
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=plan, details={"case": case.pk})
    return plan


def plan_update(*, by, plan: CommunicationPlan, partners=None, measures=None, statement=..., **fields) -> CommunicationPlan:
    """Change the plan (the EEAS) until it is completed; what is not given stays."""
    if not permissions.may_draft_plan(plan, by):
        raise PermissionDenied(_("The EEAS edits communication plans."))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _plan_input(plan.case, by, fields, partners, measures, None if statement is ... else statement)
    with transaction.atomic():
        plan = CommunicationPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        if plan.status == PlanStatus.COMPLETED:
            raise ValidationError({"title": _("A completed plan is kept as it was.")})
        for name, value in fields.items():
            setattr(plan, name, value)
        if statement is not ... and (plan.statement is None or can_view_child(by, plan.statement)):
            plan.statement = statement
        plan.full_clean(exclude=["status"])
        plan._history_user = by
        plan.save()
        if partners is not None:
            plan.partners.set(partners)
        if measures is not None:
            # An editor changes only what they see: the measures (and the
            # statement) they may not see stay on the plan, untouched.
            plan.measures.set([*measures, *plan.measures.exclude(pk__in=visible_children(ResponseMeasure.objects.all(), by).values("pk"))])
    return plan


def plan_transition(*, by, plan: CommunicationPlan, transition: str) -> CommunicationPlan:
    """Agree (the chair or the secretariat), execute or complete (the EEAS)
    the plan, on the workflow engine (``PlanWorkflow``): the row is locked,
    so of simultaneous attempts exactly one wins and the others get 409.
    An unknown transition is a ``ValueError``."""
    return cast("CommunicationPlan", transition_run(obj=plan, transition=transition, by=by).obj)


def plan_commit(*, by, plan: CommunicationPlan, member_state: MemberState) -> CommunicationPlan:
    """A delegate commits their Member State to amplify the EU's communication (para 31)."""
    if not permissions.may_commit_to_amplify(plan, by, member_state):
        raise PermissionDenied(_("A delegate commits their own Member State."))
    if plan.status == PlanStatus.COMPLETED:
        raise ValidationError({"member_state": _("The plan is completed.")})
    plan.amplifying_states.add(member_state)
    return plan

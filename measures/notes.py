"""The structure of the two notes: their sections (anchors for comments
and the rows compared), and the validation of their content. No writes;
the comparison itself is the drafting app's (``drafting.compare``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from awareness.models import Assessment
from cdt.core.templatetags.typography import colon
from cdt.core.text import unstorable_reason
from cdt.security.access import visible_to

from .models import MeasureType

OPTION_FIELDS = [
    ("measure_type", _("Measure")),
    ("rationale", _("Rationale")),
    ("expected_effect", _("Expected effect")),
    ("risks", _("Risks, including escalation and counter-response")),
    ("legal", _("Legal considerations")),
    ("communication", _("Communication aspects")),
    ("attribution_needed", _("Attribution needed")),
    ("proportionality", _("Proportionality")),
]
OPTIONS_SECTIONS = [("situation", _("Situation")), ("recommendation", _("Recommendation"))]
STRATEGIC_SECTIONS = [
    ("short_term_effects", _("Short-term effects")),
    ("long_term_objectives", _("Longer-term objectives")),
    ("risk_assessment", _("Risk assessment")),
    ("risk_scenarios", _("Risk scenarios")),
    ("geographic_strategy", _("Relevant geographic strategy")),
    ("actor_perspective", _("The actor's perspective and aims")),
    ("monitoring_indicators", _("Monitoring indicators")),
]
STRATEGIC_MEASURE_FIELDS = [
    ("measure_type", _("Measure")),
    ("mode", _("In parallel or in sequence")),
    ("trigger", _("Trigger")),
    ("escalation_level", _("Escalation level")),
]
MODES = ("parallel", "sequence")


def _text(value, path: str, errors: dict, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[path] = _("Must be text.")
        return ""
    if unstorable_reason(value):
        errors[path] = _("Must not contain NUL characters or invalid Unicode.")
        return ""
    if required and not value.strip():
        errors[path] = _("Required.")
    return value


def _is_measure(value, measure_slugs: set[str]) -> bool:
    """A slug of the catalogue; a list or object is not one (and cannot be
    looked up in a set: TypeError, a 500)."""
    return isinstance(value, str) and value in measure_slugs


def clean_options_content(content, *, measure_slugs: set[str]) -> dict:
    """Validate an options note's content; errors name the path (``options[1].measure_type``)."""
    errors: dict[str, str] = {}
    if not isinstance(content, dict):
        raise ValidationError({"content": _("Must be an object.")})
    clean = {key: _text(content.get(key), key, errors) for key, _label in OPTIONS_SECTIONS}
    refs = content.get("assessment_refs") or []
    # ``type(…) is int``: True is an int to isinstance; and an id beyond 64
    # bits overflows the lookup (SQLite raises OverflowError).
    if not isinstance(refs, list) or not all(type(ref) is int and 0 < ref < 2**63 for ref in refs):
        errors["assessment_refs"] = _("A list of assessment ids.")
        refs = []
    clean["assessment_refs"] = refs
    options = content.get("options") or []
    if not isinstance(options, list):
        errors["options"] = _("A list of options.")
        options = []
    clean["options"] = []
    for index, option in enumerate(options):
        path = f"options[{index}]"
        if not isinstance(option, dict):
            errors[path] = _("Must be an object.")
            continue
        if not _is_measure(option.get("measure_type"), measure_slugs):
            errors[f"{path}.measure_type"] = _("Not a measure of the catalogue.")
        entry = {
            key: _text(option.get(key), f"{path}.{key}", errors)
            for key, _label in OPTION_FIELDS
            if key not in ("measure_type", "attribution_needed")
        }
        entry["measure_type"] = option.get("measure_type")
        entry["attribution_needed"] = bool(option.get("attribution_needed"))
        clean["options"].append(entry)
    if errors:
        raise ValidationError({"content": [f"{path}: {message}" for path, message in errors.items()]})
    return clean


def clean_strategic_content(content, *, measure_slugs: set[str]) -> dict:
    errors: dict[str, str] = {}
    if not isinstance(content, dict):
        raise ValidationError({"content": _("Must be an object.")})
    clean = {key: _text(content.get(key), key, errors) for key, _label in STRATEGIC_SECTIONS}
    clean["measures"] = []
    measures = content.get("measures") or []
    if not isinstance(measures, list):
        errors["measures"] = _("A list of measures.")
        measures = []
    for index, measure in enumerate(measures):
        path = f"measures[{index}]"
        if not isinstance(measure, dict):
            errors[path] = _("Must be an object.")
            continue
        if not _is_measure(measure.get("measure_type"), measure_slugs):
            errors[f"{path}.measure_type"] = _("Not a measure of the catalogue.")
        if measure.get("mode") not in MODES:
            errors[f"{path}.mode"] = _("parallel or sequence")
        level = measure.get("escalation_level")
        if type(level) is not int or not 1 <= level <= 10:
            errors[f"{path}.escalation_level"] = _("1 to 10")
        clean["measures"].append(
            {
                "measure_type": measure.get("measure_type"),
                "mode": measure.get("mode"),
                "trigger": _text(measure.get("trigger"), f"{path}.trigger", errors),
                "escalation_level": level,
            }
        )
    if errors:
        raise ValidationError({"content": [f"{path}: {message}" for path, message in errors.items()]})
    return clean


def options_sections(content: dict) -> list[tuple[str, str, str]]:
    rows = [("situation", str(_("Situation")), content.get("situation", ""))]
    names = measure_type_names(content.get("options", []))

    def shown(option, key):
        value = option.get(key, "")
        if value is True or value is False:
            return _("yes") if value else _("no")
        return names.get(value, value) if key == "measure_type" else value

    for index, option in enumerate(content.get("options", []), start=1):
        text = "\n".join(f"{label}{colon()} {shown(option, key)}" for key, label in OPTION_FIELDS)
        rows.append((f"option-{index}", f"{_('Option')} {index}", text))
    rows.append(("recommendation", str(_("Recommendation")), content.get("recommendation", "")))
    return rows


def measure_type_names(entries: list[dict]) -> dict[str, str]:
    """The catalogue names of the measure types a note's entries name by
    code (a note shows "Statement by the High Representative", not its
    code), in the reader's language."""
    slugs = {entry.get("measure_type") for entry in entries}
    return {entry.slug: entry.display_name for entry in MeasureType.objects.filter(slug__in=slugs)} if slugs else {}


def strategic_sections(content: dict) -> list[tuple[str, str, str]]:
    rows = [(key, str(label), content.get(key, "")) for key, label in STRATEGIC_SECTIONS]
    names = measure_type_names(content.get("measures", []))

    def shown(measure, key):
        value = measure.get(key, "")
        return names.get(value, value) if key == "measure_type" else value

    for index, measure in enumerate(content.get("measures", []), start=1):
        text = "\n".join(f"{label}{colon()} {shown(measure, key)}" for key, label in STRATEGIC_MEASURE_FIELDS)
        rows.append((f"measure-{index}", f"{_('Measure')} {index}", text))
    return rows


def _measure_slugs() -> set[str]:
    return set(MeasureType.objects.filter(active=True).values_list("slug", flat=True))


def options_content_clean(content, by) -> dict:
    """An options note's content, with its assessment references checked
    against what the drafter may see (an unseen one is "no such")."""
    clean = clean_options_content(content, measure_slugs=_measure_slugs())
    visible = set(visible_to(Assessment.objects.filter(pk__in=clean["assessment_refs"]), by).values_list("pk", flat=True))
    missing = [ref for ref in clean["assessment_refs"] if ref not in visible]
    if missing:
        raise ValidationError({"content": [f"assessment_refs: no such assessment {ref}" for ref in missing]})
    return clean


def strategic_content_clean(content, by) -> dict:
    return clean_strategic_content(content, measure_slugs=_measure_slugs())

"""What the hostile form tests share (tests/test_hostile_forms_*.py): the
world's shape, a form route's entry in the table (:class:`FormRoute`,
:class:`Ids`) and the helpers its payloads use, and :func:`post`, which
posts one hostile payload and checks what every answer must keep.

The table itself is assembled in tests/hostile_forms_routes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cdt.directory.models import MemberState, Organisation

from .hostile import PROFILE, database_fingerprint, fingerprint_difference

#: In the title or text of every object the users posting the forms may not see.
HIDDEN = "Zyx-hidden"


@dataclass
class World:
    cast: dict
    baseline: dict = field(default_factory=dict)  # the fingerprint every test and example starts from
    clients: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


# --- The table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ids:
    """An object-id field: a valid value, and (where the field offers only
    some objects) one it does not offer: an object the user may not see
    (named ``HIDDEN``), or one not eligible (a country that is no partner)."""

    valid: object  # callable(world) -> str | list[str]
    invisible: object = None  # callable(world) -> str
    extra: dict = field(default_factory=dict)  # payload changes the field needs to matter


@dataclass(frozen=True)
class FormRoute:
    key: str  # URL name, or "URL name:action" for one of a route's actions
    role: str  # who posts it: a key of the cast (or "anonymous")
    url: object  # callable(world) -> str
    payload: object  # callable(world) -> dict: a valid post
    text: tuple = ()
    limits: dict = field(default_factory=dict)  # text field -> max_length
    dates: tuple = ()
    datetimes: tuple = ()
    ids: dict = field(default_factory=dict)  # field -> Ids
    choices: tuple = ()
    pages: object = None  # callable(world, response) -> list of URLs that show the posted values
    shown: tuple = ()  # text fields those pages show
    errors_by_message: bool = False  # refused: a redirect to the page with the error message (the case page's panels)
    writes_when_rejected: tuple = ()  # models a refused post writes by design (the reason beside each entry)
    audited: tuple = ()  # audit actions a refused post records by design
    fresh_client: bool = False  # the post may cycle the session key: one client per example

    @property
    def name(self) -> str:
        return self.key.split(":")[0]


def case_page(w, response=None):
    return [f"/cases/{w.case.pk}/"]


def followed(w, response):
    """The page a successful post redirects to."""
    return [response.url] if response.status_code == 302 else []


def editor_payload(title, items, prefix, **fields):
    data = {
        "title": title,
        **fields,
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _latest(label) -> int:
    return apps.get_model(label).objects.order_by("-pk").values_list("pk", flat=True).first()


def _pk(name):
    return lambda w: str(getattr(w, name).pk)


def _org(code, attr="pk"):
    return lambda w: str(getattr(Organisation.objects.get(code=code), attr))


def _state(code):
    return lambda w: str(MemberState.objects.get(code=code).pk)


def _measure_type(slug, attr="pk"):
    def value(w):
        from measures.models import MeasureType

        return str(getattr(MeasureType.objects.get(slug=slug), attr))

    return value


DIMENSIONS = ("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact")
OPTION_TEXT = ("rationale", "expected_effect", "risks", "legal", "communication", "proportionality")
STRATEGIC_TEXT = (
    "short_term_effects",
    "long_term_objectives",
    "risk_assessment",
    "risk_scenarios",
    "geographic_strategy",
    "actor_perspective",
    "monitoring_indicators",
)
PLAN_TEXT = ("title", "objectives", "audiences", "timing", "lines_to_take", "eu_delegations", "partner_coordination")


def options_payload(w, **extra):
    return editor_payload(
        "Options note",
        [{"measure_type": "demarche", "rationale": "First.", "ORDER": "1"}],
        "options",
        situation="Wiper attack.",
        recommendation="Option 1.",
        **extra,
    )


def strategic_payload(w):
    return editor_payload(
        "Strategic response note",
        [{"measure_type": "demarche", "mode": "parallel", "trigger": "If it recurs", "escalation_level": "2", "ORDER": "1"}],
        "measures",
        short_term_effects="Disrupt.",
        base_version="1",
    )


def plan_payload(w):
    return {
        "title": "Communication on the wiper campaign",
        "objectives": "Deter; reassure operators.",
        "audiences": "General public",
        "public": "on",
        "channels": ["statement"],
        "eu_delegations": "EU Delegation to the United States",
        "embargo_until": "2026-11-30T09:00",
        "measures": [str(w.measure_proposed.pk)],
        "statement": str(w.statement_draft.pk),
        "partners": [str(Organisation.objects.get(code="US").pk)],
    }


def _evaluation_field(name):
    return lambda w: f"evaluation-{w.evaluation.pk}-{name}"


PLAN_IDS = {
    "partners": Ids(
        valid=lambda w: [str(Organisation.objects.get(code="US").pk)], invisible=_org("EEAS")
    ),  # the EEAS: an EU body, not a partner
    "measures": Ids(valid=lambda w: [str(w.measure_proposed.pk)], invisible=_pk("hidden_measure")),
    "statement": Ids(valid=_pk("statement_draft"), invisible=_pk("hidden_statement")),
}


def client_for(w: World, route: FormRoute) -> Client:
    """The role's signed-in browser; a new one per example for the account
    forms, whose success cycles the session key."""
    if not route.fresh_client:
        return w.clients[route.role]
    client = Client()
    if route.role != "anonymous":  # a session made by hand: force_login would write last_login and audit a sign-in
        from django.conf import settings as django_settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        user = w.cast[route.role]
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        session.save()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return client


# --- Posting, and what must hold ------------------------------------------------------------------------------

#: Rows every request may write whatever it is asked: the session (its
#: inactivity timeout renewed once a minute) and the audit trail's record
#: of reads of classified objects (the form page shown again reads the case).
#: The audit entries written are checked separately: reads only, or the
#: actions the route documents.
ALWAYS_WRITTEN = ("sessions.Session", "security.AuditEntry", "security.AuditHead", "security.PendingRead")
ERROR_MARKERS = ("ecl-feedback-message", "ecl-notification--error", 'class="errorlist')


def _name(w, name) -> str:
    return name(w) if callable(name) else name


class PostgresqlStrictness:
    """What PostgreSQL refuses and SQLite stores: a NUL character in a text
    parameter (psycopg2 raises ValueError before sending the query) and a
    string longer than its ``varchar(n)`` column (DataError). Emulated on
    SQLite, so the embedded lane finds what would be a 500 in production."""

    def __enter__(self):
        from django.db import connection
        from django.db.models.signals import pre_save

        self._wrapper = connection.execute_wrapper(self._refuse_nul)
        self._wrapper.__enter__()
        pre_save.connect(self._refuse_too_long, dispatch_uid="hostile-forms-varchar")
        return self

    def __exit__(self, *exc):
        from django.db.models.signals import pre_save

        pre_save.disconnect(dispatch_uid="hostile-forms-varchar")
        return self._wrapper.__exit__(*exc)

    @staticmethod
    def _refuse_nul(execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or ():
            values = row.values() if isinstance(row, dict) else (row or ())
            if any(isinstance(value, str) and "\x00" in value for value in values):
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    @staticmethod
    def _refuse_too_long(sender, instance, raw=False, **kwargs):
        from django.db import DataError
        from django.db.models import CharField

        for model_field in sender._meta.concrete_fields:
            if isinstance(model_field, CharField) and model_field.max_length:
                value = getattr(instance, model_field.attname)
                if isinstance(value, str) and len(value) > model_field.max_length:
                    raise DataError(
                        f"value too long for type character varying({model_field.max_length}) ({sender._meta.label}.{model_field.name})"
                    )


@dataclass
class Outcome:
    route: FormRoute
    response: object
    accepted: bool
    pages: dict  # URL -> HTML of the pages read after the post (error page, display pages)


def _audit_high() -> int:
    from cdt.security.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


#: The bounded run compares fingerprints when a refused post's SQL wrote to
#: any table beyond the documented ones (no write statement, no change);
#: the full run compares them after every refusal.
FINGERPRINT_EVERY_REFUSAL = PROFILE == "full"
WRITE = re.compile(r'(?:INSERT INTO|UPDATE|DELETE FROM|REPLACE INTO)\s+"?([\w]+)"?', re.IGNORECASE)


def _writes(queries, allowed_tables) -> list[str]:
    """The statements of ``queries`` that write to a table outside ``allowed_tables``."""
    found = []
    for query in queries:
        sql = query["sql"].lstrip()
        match = WRITE.match(sql)
        if match and match.group(1) not in allowed_tables:
            found.append(sql[:200])
    return found


def _tables(labels) -> set[str]:
    return {apps.get_model(label)._meta.db_table for label in labels}


def post(w: World, route: FormRoute, data: dict) -> Outcome:
    """Post ``data`` to the route as its role, inside a savepoint rolled back
    afterwards, and check what every answer must keep: never a 5xx; a
    refusal shows a form error and leaves the database as it was. Returns
    what was seen (the answer and the pages read after it)."""
    from cdt.security.models import AuditEntry

    with transaction.atomic():
        client = client_for(w, route)
        before = w.baseline
        audit_high = _audit_high()
        with PostgresqlStrictness(), CaptureQueriesContext(connection) as captured:
            response = client.post(route.url(w), data)
        assert response.status_code < 500, f"{route.key}: {response.status_code} for {data!r:.300}"
        pages = {}
        if response.status_code == 302 and route.errors_by_message:
            target = response.url.split("#")[0]
            pages[target] = client.get(target).content.decode()
            accepted = not any(marker in pages[target] for marker in ERROR_MARKERS)
        else:
            accepted = response.status_code == 302
            if not accepted:
                pages[route.url(w)] = response.content.decode()
        if not accepted:
            assert response.status_code in (200, 302, 400, 409), f"{route.key}: refused with {response.status_code}"
            html = next(iter(pages.values()))
            assert any(marker in html for marker in ERROR_MARKERS), f"{route.key}: refused without a form error on the page"
            documented = ALWAYS_WRITTEN + route.writes_when_rejected
            writes = _writes(captured.captured_queries, _tables(documented))
            if writes or FINGERPRINT_EVERY_REFUSAL:
                after = database_fingerprint(exclude=documented)
                kept = {label: value for label, value in before.items() if label not in documented}
                changed = fingerprint_difference(kept, after)
                assert not changed, f"{route.key}: a refused post wrote to {changed} ({data!r:.300}): {writes[:3]}"
            written = set(AuditEntry.objects.filter(id__gt=audit_high).values_list("action", flat=True))
            assert written <= {AuditEntry.Action.READ, *route.audited}, f"{route.key}: a refused post audited {written}"
        elif route.pages:
            for url in route.pages(w, response):
                page = client.get(url)
                assert page.status_code == 200, f"{route.key}: {url} answers {page.status_code} after the post"
                pages[url] = page.content.decode()
        transaction.set_rollback(True)
    return Outcome(route=route, response=response, accepted=accepted, pages=pages)

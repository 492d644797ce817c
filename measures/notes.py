"""The structure of the notes: sections, anchors for comments, content
validation, and the side-by-side comparison of two versions. No writes."""

from __future__ import annotations

import difflib
import html
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cdt.core.text import unstorable_reason

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
    from .models import MeasureType

    rows = [("situation", str(_("Situation")), content.get("situation", ""))]
    slugs = {option.get("measure_type") for option in content.get("options", [])}
    names = dict(MeasureType.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}

    def shown(option, key):
        value = option.get(key, "")
        if value is True or value is False:
            return _("yes") if value else _("no")
        return names.get(value, value) if key == "measure_type" else value

    for index, option in enumerate(content.get("options", []), start=1):
        text = "\n".join(f"{label}: {shown(option, key)}" for key, label in OPTION_FIELDS)
        rows.append((f"option-{index}", f"{_('Option')} {index}", text))
    rows.append(("recommendation", str(_("Recommendation")), content.get("recommendation", "")))
    return rows


def strategic_sections(content: dict) -> list[tuple[str, str, str]]:
    rows = [(key, str(label), content.get(key, "")) for key, label in STRATEGIC_SECTIONS]
    for index, measure in enumerate(content.get("measures", []), start=1):
        text = "\n".join(f"{label}: {measure.get(key, '')}" for key, label in STRATEGIC_MEASURE_FIELDS)
        rows.append((f"measure-{index}", f"{_('Measure')} {index}", text))
    return rows


def sections(content: dict, kind: str) -> list[tuple[str, str, str]]:
    """The draft as (anchor, heading, text) rows: what is shown, commented on and compared."""
    from .drafting import kind_named

    return kind_named(kind).sections(content)


def anchors(content: dict, kind: str) -> set[str]:
    return {anchor for anchor, _heading, _text in sections(content, kind)}


_TOKEN = re.compile(r"\s+|[^\s]+")


def _marked(old: str, new: str) -> tuple[str, str]:
    """Word-level highlighting: deletions in the old text, insertions in the new."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False).get_opcodes():
        before, after = html.escape("".join(old_tokens[i1:i2])), html.escape("".join(new_tokens[j1:j2]))
        if tag == "equal":
            old_html.append(before)
            new_html.append(after)
        else:
            if before:
                old_html.append(f"<del>{before}</del>")
            if after:
                new_html.append(f"<ins>{after}</ins>")
    return "".join(old_html).replace("\n", "<br>"), "".join(new_html).replace("\n", "<br>")


def compare(old: dict, new: dict, kind: str) -> list[dict]:
    """Two versions side by side, section by section, changes highlighted
    (HTML-escaped text with ``<del>``/``<ins>`` only)."""
    old_rows = {anchor: (heading, text) for anchor, heading, text in sections(old, kind)}
    new_rows = {anchor: (heading, text) for anchor, heading, text in sections(new, kind)}
    order = list(dict.fromkeys([*old_rows, *new_rows]))
    rows = []
    for anchor in order:
        heading = (new_rows.get(anchor) or old_rows[anchor])[0]
        before, after = old_rows.get(anchor, ("", ""))[1], new_rows.get(anchor, ("", ""))[1]
        old_html, new_html = _marked(before, after)
        rows.append({"anchor": anchor, "heading": heading, "old": old_html, "new": new_html, "changed": before != after})
    return rows

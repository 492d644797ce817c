"""The hostile values the form tests post, and what must hold of the pages
that answer them.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .hostile import EXAMPLES
from .hostile_forms_support import HIDDEN, Ids, Outcome

MARKER = "cdtxss"
#: (payload, the part of it that must never reach a page unescaped).
MARKUP = [
    (f'<script>alert("{MARKER}")</script>', f'<script>alert("{MARKER}'),
    (f'"><img src=x onerror=alert("{MARKER}")>', f'<img src=x onerror=alert("{MARKER}'),
    (f"'><svg onload=alert('{MARKER}')>", f"<svg onload=alert('{MARKER}"),
    (f'</textarea><script>alert("{MARKER}")</script>', f'</textarea><script>alert("{MARKER}'),
    (f'<a href="javascript:alert(1)">{MARKER}</a>', f'<a href="javascript:alert(1)">{MARKER}'),
    (f'</title><b id="{MARKER}">', f'<b id="{MARKER}"'),
    (f"<!--{MARKER}-->", f"<!--{MARKER}"),
    (f'" autofocus onfocus="alert(1)" x="{MARKER}', f'" autofocus onfocus="alert(1)" x="{MARKER}'),
]
DANGEROUS = [prefix for _payload, prefix in MARKUP]
#: Control and odd characters HTTP carries (lone surrogates it cannot).
ODD = [
    "\x1b[31m",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x7f",
    "\x85",
    "\u202e",
    "\u202d",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\u0301",
    "\ufdfd",
    "\U0001d54f",
    "\U0001f642",
    "İ",
    "ß",
    "ǅ",
    "\r\n",
    "\t",
    "{{ 7|add:7 }}",
    "{% now 'Y' %}",
    "%s%n%x",
    "' OR '1'='1",
    "\\",
    "../../etc/passwd",
    "${jndi:ldap://x}",
]
ONE_MB = 1024 * 1024

plain_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)


def markup_values():
    return st.builds(
        lambda before, payload, after: f"{before}{payload}{after}", plain_text, st.sampled_from([p for p, _ in MARKUP]), plain_text
    )


def odd_values():
    return st.lists(st.one_of(st.sampled_from(ODD), plain_text), min_size=1, max_size=8).map("".join)


def text_attacks(limit):
    """(kind, value): the kinds that must be refused are "nul" and "too long"."""
    too_long = [("too long", "x" * (limit + 1))] if limit else []
    return st.one_of(
        st.tuples(st.just("markup"), markup_values()),
        st.tuples(st.just("odd"), odd_values()),
        st.tuples(st.just("nul"), st.builds(lambda a, b: f"{a}\x00{b}", plain_text, plain_text)),
        st.sampled_from([*too_long, ("too long" if limit else "large", LARGE)]),
    )


class Large(str):
    """About a megabyte of text (markup first), printed short in a failure report."""

    def __repr__(self):
        return "LARGE"


LARGE = Large(f"{MARKUP[0][0]} " + "é" * (ONE_MB // 2))


INVALID_DATES = [
    "2026-02-30",
    "2025-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-11-00",
    "0000-01-01",
    "10000-01-01",
    "99999999999999999999-01-01",
    "-2026-01-01",
    "2026-11-20T10:00",
    "20 Nov",
    "not a date",
    "2026-11-2O",
    "\x00",
    "2026-11-20\x00",
    "１２/０１/２０２６",
    "2026-11-20'; DROP TABLE cases_case; --",
]
INVALID_DATETIMES = [
    "2026-02-30T10:00",
    "2026-11-20T24:00",
    "2026-11-20T10:60",
    "2026-13-01T00:00",
    "0000-01-01T00:00",
    "10000-01-01T00:00",
    "2026-11-20T10:00+25:00",
    "not a date",
    "2026-11-20T10:00\x00",
    "T10:00",
]
#: Dates a form may accept or refuse, but must never answer with a 500.
EDGE_DATES = ["0001-01-01", "9999-12-31", "1900-02-28", "1970-01-01", ""]
EDGE_DATETIMES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59-05:00",
    "2027-03-28T02:30",
    "2026-10-25T02:30",
    "2026-11-30T10:00+14:00",
    "2026-11-30 10:00",
    "",
]


def date_attacks(datetime_field: bool):
    invalid, edge = (INVALID_DATETIMES, EDGE_DATETIMES) if datetime_field else (INVALID_DATES, EDGE_DATES)
    generated = st.builds(
        lambda year, month, day: f"{year:04d}-{month:02d}-{day:02d}" + ("T12:00" if datetime_field else ""),
        st.integers(2000, 2100),
        st.integers(1, 12),
        st.integers(32, 99),
    ) | st.builds(lambda year: f"{year}-01-01" + ("T12:00" if datetime_field else ""), st.integers(10_000, 10**15))
    return st.one_of(st.tuples(st.just("invalid"), st.sampled_from(invalid) | generated), st.tuples(st.just("edge"), st.sampled_from(edge)))


NOT_IDS = [
    "999999999",
    "0",
    "-1",
    "abc",
    "1 OR 1=1",
    "0x10",
    "1e3",
    "None",
    "null",
    "[]",
    "' --",
    str(2**63),
    str(2**64),
    "9" * 40,
    "\x00",
    "1\x00",
    "%",
    "*",
    "<script>alert(1)</script>",
    "²",
    "①",
    "1²",
]


def id_attacks(spec: Ids, valid: str):
    """(kind, value): "invisible" and "bad" must be refused; "alias" (another
    spelling of a valid id, or nothing) may be accepted."""
    kinds = [st.tuples(st.just("bad"), st.sampled_from(NOT_IDS) | st.sampled_from([f"{valid}abc", f"{valid}\x00", f"{valid};1"]))]
    if spec.invisible is not None:
        kinds.append(st.tuples(st.just("invisible"), st.just(None)))
    kinds.append(
        st.tuples(
            st.just("alias"),
            st.sampled_from(
                [
                    f"{valid}.0",
                    f" {valid} ",
                    f"+{valid}",
                    f"0{valid}",
                    "",
                    valid.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                ]
            ),
        )
    )
    return st.one_of(*kinds)


def assert_escaped(outcome: Outcome) -> None:
    for url, html in outcome.pages.items():
        raw = [prefix for prefix in DANGEROUS if prefix in html]
        assert not raw, f"{outcome.route.key}: {url} shows {raw} unescaped"


def assert_no_leak(outcome: Outcome) -> None:
    for url, html in [("(the answer)", outcome.response.content.decode()), *outcome.pages.items()]:
        assert HIDDEN not in html, f"{outcome.route.key}: {url} names an object the user may not see"


#: Examples per route and test: a fixed share of the profile's count
#: (tests/hostile.py: 25 bounded, 200 full), since every example is a real
#: request (and pages read after it) and there are 85 pairs of (test,
#: route). Bounded: 4 text, 4 date, 4 id, 2 choice examples per route; full:
#: 32, 32, 32, 16.
SHARE = {"text": 16, "dates": 16, "ids": 16, "choices": 8}


def examples(kind: str) -> int:
    return max(2, EXAMPLES * SHARE[kind] // 100)


BAD_CHOICES = [payload for payload, _prefix in MARKUP] + [
    "\x00",
    "immediate\x00",
    "x" * 10_000,
    "-1",
    "0",
    "99",
    "1e3",
    "' OR '1'='1",
    "None",
    "[]",
    "\u202eoff",
]

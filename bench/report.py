"""The bench's one table, and its JSON form."""

from __future__ import annotations

import dataclasses
import json


@dataclasses.dataclass
class Figure:
    """One measured figure. ``higher_is_better`` says which way the target
    points; a figure without a target is reported, not judged."""

    name: str
    value: float
    unit: str
    target: float | None = None
    higher_is_better: bool = True
    baseline: float | None = None
    ratio: float | None = None
    target_ratio: float | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.target is not None:
            checks.append(self.value >= self.target if self.higher_is_better else self.value <= self.target)
        if self.target_ratio is not None and self.ratio is not None:
            checks.append(self.ratio >= self.target_ratio)
        return all(checks) if checks else None

    def target_text(self) -> str:
        parts = []
        if self.target is not None:
            parts.append(f"{'≥' if self.higher_is_better else '≤'} {_number(self.target)}")
        if self.target_ratio is not None:
            parts.append(f"≥ {self.target_ratio:.2f}×")
        return ", ".join(parts) or "—"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def table(figures: list[Figure]) -> str:
    header = ("figure", "value", "unit", "baseline", "ratio", "target", "result")
    rows = [header]
    for figure in figures:
        verdict = {True: "pass", False: "FAIL", None: "info"}[figure.passed]
        rows.append(
            (
                figure.name,
                _number(figure.value),
                figure.unit,
                _number(figure.baseline),
                f"{figure.ratio:.2f}×" if figure.ratio is not None else "—",
                figure.target_text(),
                verdict,
            )
        )
    widths = [max(len(str(row[column])) for row in rows) for column in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(
                str(cell).ljust(width) if column == 0 else str(cell).rjust(width) for column, (cell, width) in enumerate(zip(row, widths))
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def as_json(figures: list[Figure], **context) -> str:
    return json.dumps(
        {**context, "figures": [{**dataclasses.asdict(figure), "passed": figure.passed} for figure in figures]},
        indent=2,
        ensure_ascii=False,
    )

"""The data appendix (附件): each indicator a summary states, by sub-unit, and its daily series.

Off by default (the reference institutions reproduce their seeds without it); on with
``RenderOptions(appendix=True)``. HTML draws the charts as inline SVG and DOCX as PNG images,
both from the few lines of code below (an SVG string; a PNG written with zlib): a bar chart of
one series needs no charting library, so the appendix adds no dependency, nothing to the lock
files and no import time, and renders alike in every browser, Word and LibreOffice.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from epireport.document import Document, FactRef, RenderedParagraph, numbered

__all__ = ["AppendixRow", "AppendixTable", "appendix_tables", "chart_png", "chart_svg"]


@attrs.frozen
class AppendixRow:
    """One line of an appendix table: a sub-unit, its figure and how completely it reported."""

    unit: str
    value: str
    completeness: str


@attrs.frozen
class AppendixTable:
    """One indicator of the appendix: its rows by sub-unit, the total and the daily series."""

    indicator: str
    name: str
    classifier: str
    period: str
    rows: tuple[AppendixRow, ...]
    total: AppendixRow
    series: tuple[tuple[datetime.date, float], ...]

    @property
    def caption(self) -> str:
        """The table's caption: 排查师生（人次）."""
        return f"{self.name}（{self.classifier}）" if self.classifier else self.name

    @property
    def chart_caption(self) -> str:
        """What the chart under the table shows, its highest day included."""
        if not self.series:
            return ""
        first, last = self.series[0][0], self.series[-1][0]
        top = max(self.series, key=lambda point: point[1])
        return (
            f"{self.name}逐日合计（{first.month}月{first.day}日至{last.month}月{last.day}日，"
            f"最高{_number(top[1])}）"
        )


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _numeric(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _completeness(fact: Any) -> str:
    coverage = getattr(fact, "coverage", None)
    expected = getattr(coverage, "expected", 0) or 0
    submitted = getattr(coverage, "submitted", 0) or 0
    if not expected:
        return "—"
    return f"{submitted}/{expected}（{round(100 * submitted / expected)}%）"


def _facts_in(document: Document) -> list[FactRef]:
    refs: list[FactRef] = []
    for event in numbered(document):
        if isinstance(event, RenderedParagraph):
            refs.extend(event.facts)
    return refs


def _label(fact: Any) -> str:
    period = getattr(fact, "period", None)
    label = getattr(period, "label", None)
    return str(label()) if callable(label) else str(period or "")


def appendix_tables(document: Document, facts: Any = None) -> tuple[AppendixTable, ...]:
    """The appendix of *document*: one table for each indicator its figures state.

    Each figure's fact (computed, with its data values) gives the total, its completeness
    (reports received out of expected) and the daily series (the values of each day added up,
    every day of the period).
    With *facts* (the :class:`~epireport.facts.FactSet` the document was composed from) the
    rows are the reporting unit's sub-units by name; without it they are the units that sent
    the data values, by code. Figures without a computed fact (a draft's ``xx``, a document
    read back from JSON) have no table.
    """
    seen: dict[str, Any] = {}
    for ref in _facts_in(document):
        fact = ref.fact
        if fact is None or isinstance(fact, Mapping) or not getattr(fact, "sources", ()):
            continue
        if ref.indicator in seen:
            continue
        if facts is not None and getattr(fact, "unit", None) != facts.unit:
            continue  # a sub-unit's figure: its indicator's table comes from the unit's own
        seen[ref.indicator] = fact
    tables = []
    for code, fact in seen.items():
        rows: list[AppendixRow] = []
        if facts is not None:
            for part in facts.for_indicator(code):
                if part.unit == fact.unit:
                    continue
                value = "—" if part.value is None else _number(part.value)
                rows.append(AppendixRow(part.unit_name or part.unit, value, _completeness(part)))
        else:
            by_unit: dict[str, list[Any]] = {}
            for value in fact.sources:
                by_unit.setdefault(value.unit, []).append(value)
            for unit, values in sorted(by_unit.items()):
                numbers = [n for n in (_numeric(v.value) for v in values) if n is not None]
                rows.append(
                    AppendixRow(unit, _number(sum(numbers)) if numbers else "—", f"{len(values)}份")
                )
        daily: dict[datetime.date, float] = {}
        for value in fact.sources:
            number = _numeric(value.value)
            if number is not None and value.period.days == 1:
                daily[value.period.start] = daily.get(value.period.start, 0.0) + number
        period = getattr(fact, "period", None)
        start, end = getattr(period, "start", None), getattr(period, "end", None)
        if daily and isinstance(start, datetime.date) and isinstance(end, datetime.date):
            # Every day of the period has a bar, an empty one where nothing was reported.
            for n in range((end - start).days):
                daily.setdefault(start + datetime.timedelta(days=n), 0.0)
        total_value = "—" if fact.value is None else _number(fact.value)
        tables.append(
            AppendixTable(
                indicator=code,
                name=fact.name or code,
                classifier=fact.classifier,
                period=_label(fact),
                rows=tuple(rows),
                total=AppendixRow("合计", total_value, _completeness(fact)),
                series=tuple(sorted(daily.items())),
            )
        )
    return tuple(tables)


# ---------------------------------------------------------------------------------------------
# Charts: one bar a day, scaled to the highest day.

#: Chart size in pixels (SVG user units and PNG pixels alike): 3:1, the width of the type area.
CHART_SIZE: Final = (600, 200)
_PAD: Final = (40, 12, 12, 24)  # left, top, right, bottom: room for the axis labels in SVG
_BAR: Final = (0x1F, 0x4E, 0x79)  # dark blue, readable in print and on screen
_AXIS: Final = (0x80, 0x80, 0x80)


def _bars(values: Iterable[float]) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each bar in the plot area, in whole pixels."""
    points = list(values)
    width, height = CHART_SIZE
    left, top, right, bottom = _PAD
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((v for v in points), default=0.0)
    if not points:
        return []
    step = plot_w / len(points)
    bars = []
    for i, value in enumerate(points):
        h = 0 if top_value <= 0 else round(plot_h * max(value, 0.0) / top_value)
        x = left + round(i * step + step * 0.15)
        w = max(1, round(step * 0.7))
        bars.append((x, top + plot_h - h, w, h))
    return bars


def chart_svg(table: AppendixTable) -> str:
    """An inline SVG bar chart of *table*'s daily series (no script, no external resource).

    Each bar has a ``<title>`` (its day and value), so hovering a bar shows it.
    """
    width, height = CHART_SIZE
    left, top, right, bottom = _PAD
    color = "#{:02x}{:02x}{:02x}".format(*_BAR)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{_escape(table.chart_caption)}">'
    ]
    base = height - bottom
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#808080"/>'
    )
    top_value = max((v for _, v in table.series), default=0.0)
    parts.append(
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="12">'
        f"{_escape(_number(top_value))}</text>"
    )
    parts.append(f'<text x="{left - 4}" y="{base}" text-anchor="end" font-size="12">0</text>')
    for (day, value), (x, y, w, h) in zip(
        table.series, _bars(v for _, v in table.series), strict=True
    ):
        parts.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{color}">'
            f"<title>{day.month}月{day.day}日：{_escape(_number(value))}</title></rect>"
        )
    if table.series:
        first, last = table.series[0][0], table.series[-1][0]
        parts.append(
            f'<text x="{left}" y="{height - 6}" font-size="12">{first.month}月{first.day}日</text>'
        )
        parts.append(
            f'<text x="{width - right}" y="{height - 6}" text-anchor="end" font-size="12">'
            f"{last.month}月{last.day}日</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def chart_png(table: AppendixTable) -> bytes:
    """The same bar chart as a PNG image (8-bit RGB), written without an imaging library.

    Text stays out of the image (its fonts would be ours, not the reader's): the DOCX writes
    the caption and the range beside it.
    """
    width, height = CHART_SIZE
    left, _top, right, bottom = _PAD
    white = bytes((255, 255, 255))
    rows = [bytearray(white * width) for _ in range(height)]

    def fill(x: int, y: int, w: int, h: int, color: tuple[int, int, int]) -> None:
        pixel = bytes(color)
        for row in rows[max(0, y) : min(height, y + h)]:
            row[3 * max(0, x) : 3 * min(width, x + w)] = pixel * (min(width, x + w) - max(0, x))

    for x, y, w, h in _bars(v for _, v in table.series):
        fill(x, y, w, h, _BAR)
    fill(left, height - bottom, width - left - right, 1, _AXIS)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )

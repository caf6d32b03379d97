"""What every renderer draws the same way: emphasis, figures, placeholders, draft mark, signature.

The formats used to disagree (the DOCX bolded the lead sentence of 一是… items, HTML and
Markdown did not; the HTML put the signature 4 em from the right, the DOCX 2 characters). This
module is the one description they all follow:

* :func:`paragraph_runs` splits a paragraph into :class:`Run` pieces: the item marker and lead
  sentence are *bold* when the item goes on after them; each figure carries its
  :class:`~epireport.document.FactRef` (HTML shows its fact on hover, see :func:`fact_note`:
  value, period, units and reports behind the figure, each count labelled);
  in a draft each placeholder (``xx``, ``某某`` ...) is *marked* (DOCX highlight, HTML
  ``<mark>``).
* :data:`DRAFT_MARK` in :data:`DRAFT_COLOR` (red, as offices mark drafts) above the title.
* :func:`place_signature` puts the signing unit and date per GB/T 9704-2012 7.3.5: unsealed
  (7.3.5.2, unit two characters from the right, date two characters right of the unit's start)
  or sealed (7.3.5.1, date four characters from the right, unit centred over the date).

Plain text and Markdown cannot colour or position; they keep the words and the emphasis they
can show (Markdown ``**``), and put unit and date on lines of their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any, Final

import attrs

from epireport.document import FactRef, RenderedParagraph, Sentence

__all__ = [
    "DRAFT_COLOR",
    "DRAFT_MARK",
    "Run",
    "SignaturePlacement",
    "fact_note",
    "paragraph_runs",
    "place_signature",
    "placeholder_spans",
    "text_width",
]

#: The line put above the title of a draft.
DRAFT_MARK: Final = "【草稿】"
#: The colour of the draft mark (and of a draft's data notes), as RGB hex: plain red.
DRAFT_COLOR: Final = "FF0000"

# A placeholder left for a figure or a name: runs of x (xx, xxx, ｘｘ) standing apart from
# Latin words (xxapp is still one: a name left out), ×× ○○ □□, 某某.
_PLACEHOLDER: Final = re.compile(
    r"(?<![A-Za-z])[xXｘＸ]{2,}|(?<![A-Za-z0-9])[xXｘＸ](?![A-Za-z0-9光射线轴])"
    r"|[×✕]{2,}|○{2,}|□{2,}|某{2,}|(?<=[\d年月])某(?=[日号])"
)


def placeholder_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where *text* holds a drafting placeholder: ``(start, end)`` for each, in order.

    ``xx`` (any run of two or more x, or a lone x between non-Latin characters: 召开x次会议),
    ``××``, ``○○``, ``□□``, ``某某`` and the 某 of a date (1月某日). ``x`` inside English
    words (Excel), the x of ``1920x1080`` and X光 are not placeholders.
    """
    return tuple(m.span() for m in _PLACEHOLDER.finditer(text))


@attrs.frozen
class Run:
    """A piece of a paragraph drawn alike: its text, bold or not, its figure, a placeholder."""

    text: str
    bold: bool = False
    fact: FactRef | None = None
    placeholder: bool = False


def paragraph_runs(event: RenderedParagraph, *, draft: bool = False) -> tuple[Run, ...]:
    """Split *event* into runs: the bold marker and lead, each figure, each placeholder.

    The item marker and lead sentence (一是强抓社会宣传，打通宣传“最后一公里”。) are bold when a
    body follows them, the body is not; a figure's run carries the :class:`FactRef` it states;
    with *draft* every placeholder is a run of its own with ``placeholder=True``. Joined, the
    runs give ``event.text`` back.
    """
    text = event.text
    # Only a lead that something follows is set apart: an item that is all lead (1.每日调查询问
    # 员工……) would be a paragraph in bold.
    bold_end = len(event.marker) + len(event.lead) if event.lead and event.body else 0
    cuts = {0, len(text), bold_end}
    figures: list[tuple[int, int, FactRef]] = []
    if event.facts:
        spans = Sentence(text, event.facts).spans
        for (start, end), ref in zip(spans, event.facts, strict=True):
            if start >= 0 and end > start:
                figures.append((start, end, ref))
                cuts.update((start, end))
    marks = placeholder_spans(text) if draft else ()
    for start, end in marks:
        cuts.update((start, end))
    points = sorted(cuts)
    runs: list[Run] = []
    for start, end in itertools.pairwise(points):
        if start == end:
            continue
        fact = next((ref for a, b, ref in figures if a <= start and end <= b), None)
        placeholder = any(a <= start and end <= b for a, b in marks)
        runs.append(Run(text[start:end], start < bold_end, fact, placeholder))
    return tuple(runs)


def _get(thing: Any, name: str) -> Any:
    if isinstance(thing, Mapping):
        return thing.get(name)
    return getattr(thing, name, None)


def _period_label(ref: FactRef) -> str:
    period = _get(ref.fact, "period") if ref.fact is not None else None
    if period is None or isinstance(period, str):
        from epireport.exceptions import EpireportError
        from epireport.model._periods import Period

        try:
            period = Period.parse(ref.period)
        except (EpireportError, ValueError):
            return ref.period
    label = getattr(period, "label", None)
    return str(label()) if callable(label) else str(period)


def _count(thing: Any, *names: str) -> int | None:
    """The first of *names* that *thing* (a Coverage or its JSON mapping) has, as an int."""
    for name in names:
        found = _get(thing, name)
        if isinstance(found, int) and not isinstance(found, bool):
            return found
    return None


def _reports(fact: Any) -> str:
    """The reports behind the figure: 应报96份，实报61份（零报告9份）.

    From the fact's :class:`~epireport.aggregate.Coverage`: ``expected`` report slots the
    figure is built from, ``submitted`` those filled by a value or a zero-report.
    """
    coverage = _get(fact, "coverage")
    if coverage is None:
        return ""
    expected = _count(coverage, "expected")
    submitted = _count(coverage, "submitted", "reported")
    if not expected:
        return ""
    line = f"报送情况：应报{expected}份，实报{submitted or 0}份"
    zero = _count(coverage, "zero_reports", "zero_reported")
    if zero:
        line += f"（零报告{zero}份）"
    return line


def _source_units(ref: FactRef) -> int:
    """How many units' data the figure adds up: units with a value or zero-report behind it.

    A fact's sources also hold the markers of values stated missing (缺报); they fill no
    report and name no unit that reported. Without the fact's data values (a document read
    back from JSON) the ids of ``ref.sources`` (``indicator@unit@period``) name the units.
    """
    values = _get(ref.fact, "sources") if ref.fact is not None else None
    if values and all(hasattr(v, "status") and hasattr(v, "unit") for v in values):
        return len({v.unit for v in values if v.status.is_submitted})
    return len({parts[1] for parts in (s.split("@") for s in ref.sources) if len(parts) >= 3})


def fact_note(ref: FactRef) -> str:
    """The fact behind a figure, as one line a reader sees on hover.

    Indicator and exact value, the period, how many units' data it adds up, and the reports
    it was built from, each count labelled:
    ``排查师生：11397人次；统计期间：2020年1月27日至2月9日；数据来自18个单位；报送情况：应报252份，
    实报248份``. The counts are the figure's own (its coverage and data values), never the
    whole report's completeness, which counts other indicators' reports too. A figure written
    in a draft (no value yet) says so.
    """
    fact = ref.fact
    # A count the template wrote (schools on time) has no fact: its code is no name to show.
    name = (_get(fact, "name") if fact is not None else None) or (
        ref.indicator if fact is not None else "统计数"
    )
    classifier = (_get(fact, "classifier") if fact is not None else None) or ""
    head = f"{name}：待填（草稿）" if ref.value is None else f"{name}：{ref.value}{classifier}"
    period = _period_label(ref)
    parts = [head, f"统计期间：{period}" if period else ""]
    units = _source_units(ref)
    if units:
        parts.append(f"数据来自{units}个单位")
    if fact is not None:
        parts.append(_reports(fact))
    return "；".join(p for p in parts if p)


def text_width(text: str) -> float:
    """Width of *text* in body characters: half-width characters (digits, Latin) count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


@attrs.frozen
class SignaturePlacement:
    """Where the signature's two lines stand: their distance from the right margin.

    Distances are in body characters (三号, 1 em in HTML); ``blank_lines`` is how many empty
    lines separate the signature from the text above it.
    """

    unit_right: float
    date_right: float
    blank_lines: int


def place_signature(unit: str, date: str, *, sealed: bool = False) -> SignaturePlacement:
    """Place the signing *unit* and *date* (empty when undated) as GB/T 9704-2012 7.3.5 does.

    Unsealed (7.3.5.2): one blank line below the text, the unit two characters from the right;
    the date on the next line, its first character two characters right of the unit's first;
    a date longer than that keeps two characters and pushes the unit left instead.

    Sealed (7.3.5.1): the date four characters from the right, the unit centred over it; the
    seal's top stands within a line of the text and its centre a little above the unit, so
    two blank lines leave it room.
    """
    unit_w, date_w = text_width(unit), text_width(date)
    if sealed:
        if not date:
            return SignaturePlacement(4.0, 4.0, 2)
        return SignaturePlacement(max(0.0, 4.0 + (date_w - unit_w) / 2), 4.0, 2)
    if not date:
        return SignaturePlacement(2.0, 2.0, 1)
    date_right = max(2.0, unit_w - date_w)
    return SignaturePlacement(date_right + date_w + 2 - unit_w, date_right, 1)

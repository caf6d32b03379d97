"""The DOCX lays out 22 lines of 28 characters in every office suite, LibreOffice included.

A character grid (w:docGrid type linesAndChars) gave Word 28 characters a line and LibreOffice
14 (each character took two cells). The renderer now sets a line grid only and condenses the
body-size styles so that 28 characters fill the type area. The XML tests pin that without any
office suite; the PDF tests convert the reference institutions' examples with LibreOffice and
measure the lines with poppler's pdftotext, and skip (saying why) where either is missing.
"""

import io
import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.render._docx import render_docx
from epireport.render._options import RenderOptions

from .test_docx import open_docx, simple_document, style_of

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Emu, Mm  # noqa: E402

OPTIONS = RenderOptions()
BODY_TWIPS = 16 * 20  # a 三号 character's natural advance
LINE_TWIPS = 579  # 22 lines in the 225 mm type area
BODY_SIZE_STYLES = (
    "公文正文",
    "公文一级标题",
    "公文二级标题",
    "公文三级标题",
    "公文四级标题",
    "公文表题",
    "公文落款",
    "Normal",
)
# The reference examples, with the pages each fills at 22 x 28 (the character grid made them
# 5, 2 and 4 pages in LibreOffice). The property company's summary fills two pages to the last
# line before it is signed; its signature and date take it to a third, with the last two lines
# of its closing paragraph (not the whole paragraph, which left half of page 2 empty).
REFERENCE_PAGES = {"district-publicity": 3, "education-bureau": 2, "property-company": 3}


def char_spacing(element: Any) -> int:
    """Return the w:spacing (character spacing, twips) of a style's or run's rPr."""
    spacing = element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
    assert spacing is not None
    return int(spacing.get(qn("w:val")))


def type_width_twips(section: Any) -> float:
    return float(Emu(section.page_width - section.left_margin - section.right_margin).twips)


class TestGridXml:
    def test_section_grid_is_line_only(self) -> None:
        """The section's docGrid is a 579-twip line grid with no character pitch."""
        section = open_docx(render_docx(simple_document(), OPTIONS)).sections[0]
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "lines"
        assert grid.get(qn("w:linePitch")) == str(LINE_TWIPS)
        assert grid.get(qn("w:charSpace")) is None

    def test_body_styles_carry_the_computed_spacing(self) -> None:
        """Every 16 pt style is condensed to 315 twips a character: 28 fill 156 mm, 29 do not."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        width = type_width_twips(doc.sections[0])
        for name in BODY_SIZE_STYLES:
            pitch = BODY_TWIPS + char_spacing(style_of(doc, name).element)
            assert pitch == 315, name
            assert 28 * pitch <= width < 29 * pitch, name

    def test_other_sizes_keep_their_natural_spacing(self) -> None:
        """The 22 pt title, 14 pt table cells and page numbers are not condensed."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        for name in ("公文标题", "公文表格", "公文页码"):
            assert style_of(doc, name).element.find(f"{qn('w:rPr')}/{qn('w:spacing')}") is None

    def test_runs_and_indents_follow_the_pitch(self) -> None:
        """Body runs repeat the spacing; indents are whole characters of the condensed pitch."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        body = style_of(doc, "公文正文")
        pitch = BODY_TWIPS + char_spacing(body.element)
        for paragraph in doc.paragraphs:
            if paragraph.style.name in BODY_SIZE_STYLES:
                for run in paragraph.runs:
                    assert char_spacing(run._r) == pitch - BODY_TWIPS
        ind = body.element.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:firstLineChars")) == "0"
        assert ind.get(qn("w:firstLine")) == str(2 * pitch)
        # 某某区委宣传部 over 2020年3月5日 (six characters): the date two from the right,
        # starting eight from it, the unit's start two characters left of that.
        unit, date = doc.paragraphs[-2:]
        assert unit.paragraph_format.right_indent.twips == 3 * pitch
        width = type_width_twips(doc.sections[0])
        assert date.paragraph_format.left_indent.twips == round(width) - 8 * pitch

    def test_no_auto_space_between_chinese_and_digits(self) -> None:
        """Body styles add no space around digits: 2020年2月7日 stays on the columns."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        ppr = style_of(doc, "公文正文").element.pPr
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            assert ppr.find(qn(tag)).get(qn("w:val")) == "0", tag

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(min_value=15, max_value=40), st.integers(min_value=15, max_value=40))
    def test_any_base_width_fits_28_characters(self, left: int, right: int) -> None:
        """On a base with any A4 margins 28 body characters fit a line, condensed 2 pt at most."""
        base = docx.Document()
        section = base.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        out = io.BytesIO()
        base.save(out)
        doc = open_docx(render_docx(simple_document(), OPTIONS, base=out.getvalue()))
        spacing = char_spacing(style_of(doc, "公文正文").element)
        width = type_width_twips(doc.sections[0])
        assert -40 <= spacing <= 0
        if spacing > -40:
            assert 28 * (BODY_TWIPS + spacing) <= width


# ---------------------------------------------------------------------------------------------
# Measured in LibreOffice's PDF.


@attrs.frozen
class Line:
    """One line of text in a PDF page, in points from the top left."""

    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float


@attrs.frozen
class Page:
    width: float
    height: float
    lines: tuple[Line, ...]


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install {package})")
    return found


def read_pdf(pdf: Path) -> list[Page]:
    """Lines of every page, from ``pdftotext -bbox-layout``."""
    result = subprocess.run(
        [tool("pdftotext", "poppler-utils"), "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    # The XHTML names a namespace on every element; drop it to keep the paths short.
    root = ET.fromstring(re.sub(rb'\sxmlns="[^"]+"', b"", result.stdout, count=1))
    pages = []
    for page in root.iter("page"):
        lines = tuple(
            Line(
                "".join(word.text or "" for word in line.iter("word")),
                float(line.get("xMin", 0)),
                float(line.get("xMax", 0)),
                float(line.get("yMin", 0)),
                float(line.get("yMax", 0)),
            )
            for line in page.iter("line")
        )
        pages.append(Page(float(page.get("width", 0)), float(page.get("height", 0)), lines))
    return pages


@pytest.fixture(scope="module")
def reference_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    """The reference examples as DOCX, converted to PDF by LibreOffice and read back."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    tool("pdftotext", "poppler-utils")
    from epireport.cli import main

    folder = tmp_path_factory.mktemp("layout")
    sources = []
    for institution in REFERENCE_PAGES:
        source = folder / f"{institution}.docx"
        if main(["demo", institution, "--format", "docx", "-o", str(source)]) != 0:
            pytest.skip(f"the reference institution {institution} is not installed")
        sources.append(str(source))
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: read_pdf(folder / f"{name}.pdf") for name in REFERENCE_PAGES}


LEFT_PT = Mm(28).pt
RIGHT_PT = Mm(210 - 26).pt
TOP_PT = Mm(37).pt
BOTTOM_PT = Mm(297 - 35).pt
BODY_PT = 16.0
LINE_PT = LINE_TWIPS / 20
BODY_BOX = 1.3 * BODY_PT  # height of pdftotext's box around a 16 pt line


def is_cjk(text: str) -> bool:
    """Whether every character is full width (Han or full-width punctuation)."""
    return bool(text) and all(ord(ch) >= 0x2E80 for ch in text)


def full_lines(pages: list[Page]) -> list[Line]:
    """Lines of full-width text running from the left margin to the right one."""
    return [
        line
        for page in pages
        for line in page.lines
        if abs(line.x_min - LEFT_PT) < 1
        and line.x_max > RIGHT_PT - BODY_PT / 2
        and is_cjk(line.text)
    ]


def body_lines(page: Page) -> list[Line]:
    """Lines inside the type area (not the page number below it)."""
    return [line for line in page.lines if TOP_PT - 1 <= line.y_min < BOTTOM_PT]


@pytest.mark.slow
@pytest.mark.parametrize("institution", sorted(REFERENCE_PAGES))
class TestLibreOfficeLayout:
    def test_28_characters_a_full_line(
        self, reference_pdfs: dict[str, list[Page]], institution: str
    ) -> None:
        """Every full line of Chinese text holds 28 characters (29 with a hanging mark)."""
        lines = full_lines(reference_pdfs[institution])
        assert len(lines) >= 10
        for line in lines:
            # Punctuation may hang in the right margin (GB/T 15834 allows it): not counted.
            hanging = line.x_max > RIGHT_PT + 2
            assert len(line.text) - hanging == 28, line

    def test_22_lines_a_page(self, reference_pdfs: dict[str, list[Page]], institution: str) -> None:
        """Body lines are 28.95 pt apart; no page holds more than 22, a full one 21 or 22."""
        pages = reference_pdfs[institution]
        for number, page in enumerate(pages, start=1):
            lines = body_lines(page)
            assert len(lines) <= 22, number
            if 1 < number < len(pages):
                # One line may move to the next page (widow control, a heading kept with
                # its text): GB/T 9704 allows 特定情况 adjustments. Before the signature's
                # page, the closing paragraph's last two lines may go over with it, never
                # more (LibreOffice moved the whole ten lines of the property company's
                # 下一步……, leaving half of page 2 empty).
                assert len(lines) >= (20 if number == len(pages) - 1 else 21), number
            # Consecutive 三号 lines sit one pitch apart (the title and 四号 table rows have
            # their own heights; a blank line or a table between two body lines is wider).
            tops = [line.y_min for line in lines if abs(line.y_max - line.y_min - BODY_BOX) < 1]
            gaps = [b - a for a, b in itertools.pairwise(tops) if b - a < LINE_PT * 1.5]
            assert len(gaps) >= min(10, len(lines) - 2), number
            assert all(abs(gap - LINE_PT) < 0.2 for gap in gaps), (number, gaps)

    def test_page_count(self, reference_pdfs: dict[str, list[Page]], institution: str) -> None:
        """The example fills the pages it takes at 22 x 28, not the doubled count."""
        assert len(reference_pdfs[institution]) <= REFERENCE_PAGES[institution]


@pytest.mark.slow
def test_signature_takes_the_last_two_lines_along(
    reference_pdfs: dict[str, list[Page]],
) -> None:
    """The property company's last page: two lines of 下一步……, then the signature.

    Page 2 is full but for those two lines (20 of 22): LibreOffice no longer carries the whole
    closing paragraph over with the signature.
    """
    pages = reference_pdfs["property-company"]
    assert len(body_lines(pages[1])) == 20
    last = [re.sub(r"\s", "", line.text) for line in body_lines(pages[-1])]
    assert len(last) == 4, last
    assert last[1].endswith("确保广大业主的健康安全！")
    assert last[2:] == ["阳光花园物业服务中心", "2020年2月16日"]

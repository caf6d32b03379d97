import datetime
import io
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.document import (
    Document,
    Meta,
    Paragraph,
    RenderedParagraph,
    Section,
    Sentence,
    Signature,
    numbered,
)
from epireport.exceptions import RenderError
from epireport.render._docx import PLACEHOLDER, render_docx
from epireport.render._options import RenderOptions

docx = pytest.importorskip("docx")
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Emu, Mm, Pt, RGBColor  # noqa: E402

OPTIONS = RenderOptions()
RED_HEADER = "某某区委宣传部文件"


def simple_document(
    text: str = "今年以来，我部认真贯彻落实上级部署。", heading: str = "主要做法"
) -> Document:
    """Build a small document: title, one paragraph, one section, a signature."""
    return Document(
        title="关于疫情防控宣传工作的总结",
        meta=Meta(institution="district", unit="某某区委宣传部", period="2020-02"),
        preamble=(Paragraph((Sentence(text),)),),
        sections=(Section(heading, (Paragraph((Sentence("发放宣传单3.2万余份。"),)),)),),
        signature=Signature("某某区委宣传部", datetime.date(2020, 3, 5)),
    )


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def style_of(doc: Any, name: str) -> Any:
    return next(s for s in doc.styles if s.name == name)


def fonts(element: Any) -> dict[str, str]:
    """Return the w:rFonts slots of a style's or run's rPr."""
    rfonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert rfonts is not None
    return {slot: rfonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia")}


def same_font(name: str) -> dict[str, str]:
    return {"ascii": name, "hAnsi": name, "eastAsia": name}


def base_docx(*, placeholder: bool = False, footer: str | None = None) -> bytes:
    """Build an institution's base .docx with a red 版头 in its header."""
    doc = docx.Document()
    run = doc.sections[0].header.paragraphs[0].add_run(RED_HEADER)
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    doc.add_paragraph("主送：各街道党工委")
    if placeholder:
        doc.add_paragraph(PLACEHOLDER)
        doc.add_paragraph("抄送：区委办公室")
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].add_run(footer)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class TestPage:
    def test_a4_and_margins(self) -> None:
        """A fresh document is A4 with margins 37/35/28/26 mm (GB/T 9704)."""
        section = open_docx(render_docx(simple_document(), OPTIONS)).sections[0]
        expected = {
            "page_width": Mm(210),
            "page_height": Mm(297),
            "top_margin": Mm(37),
            "bottom_margin": Mm(35),
            "left_margin": Mm(28),
            "right_margin": Mm(26),
        }
        for attribute, length in expected.items():
            assert abs(getattr(section, attribute) - length) < Mm(0.1), attribute

    def test_document_grid_gives_22_lines_of_28_characters(self) -> None:
        """A 579-twip line grid gives 22 lines; the body's character spacing 28 characters."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        section = doc.sections[0]
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "lines"
        assert grid.get(qn("w:linePitch")) == "579"
        spacing = style_of(doc, "公文正文").element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
        pitch_pt = 16 + int(spacing.get(qn("w:val"))) / 20
        width_pt = Emu(section.page_width - section.left_margin - section.right_margin).pt
        assert int(width_pt // pitch_pt) == 28
        height_pt = Emu(section.page_height - section.top_margin - section.bottom_margin).pt
        assert int(height_pt // 28.95) == 22

    def test_settings_never_embed_fonts(self) -> None:
        """Fonts are named with fallbacks in the font table and never embedded."""
        data = render_docx(simple_document(), OPTIONS)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            settings_xml = package.read("word/settings.xml").decode()
            font_table = package.read("word/fontTable.xml").decode()
        assert "embedTrueTypeFonts" not in settings_xml
        for name, alt in (
            ("仿宋_GB2312", "仿宋"),
            ("楷体_GB2312", "楷体"),
            ("方正小标宋简体", "宋体"),
        ):
            assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in font_table


class TestStyles:
    def test_body_style(self) -> None:
        """Body text is 仿宋_GB2312 16 pt, justified, two-character indent, exact 28.95 pt lines.

        The indent is two condensed characters (315 twips each: 28 fill the 156 mm line).
        """
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        body = style_of(doc, "公文正文")
        assert fonts(body.element) == same_font("仿宋_GB2312")
        assert body.font.size == Pt(16)
        fmt = body.paragraph_format
        assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert fmt.line_spacing.twips == 579
        ind = body.element.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:firstLineChars")) == "0"
        assert ind.get(qn("w:firstLine")) == "630"

    def test_normal_style_has_east_asian_font(self) -> None:
        """The Normal style of a fresh document is 仿宋_GB2312 16 pt in every font slot."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        normal = doc.styles["Normal"]
        assert fonts(normal.element) == same_font("仿宋_GB2312")
        assert normal.font.size == Pt(16)

    @pytest.mark.parametrize(
        ("name", "font", "size", "alignment"),
        [
            ("公文标题", "方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER),
            ("公文一级标题", "黑体", 16, WD_ALIGN_PARAGRAPH.JUSTIFY),
            ("公文二级标题", "楷体_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY),
            ("公文三级标题", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY),
            ("公文四级标题", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY),
            ("公文落款", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.RIGHT),
        ],
    )
    def test_role_styles(self, name: str, font: str, size: int, alignment: Any) -> None:
        """Title and heading styles carry the GB/T 9704 font in every slot, size and alignment."""
        style = style_of(open_docx(render_docx(simple_document(), OPTIONS)), name)
        assert fonts(style.element) == same_font(font)
        assert style.font.size == Pt(size)
        assert style.paragraph_format.alignment == alignment

    def test_headings_have_outline_levels(self) -> None:
        """Heading styles have outline levels 0-3, so Word's navigation pane lists them."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        for level, name in enumerate(
            ("公文一级标题", "公文二级标题", "公文三级标题", "公文四级标题")
        ):
            outline = style_of(doc, name).element.pPr.find(qn("w:outlineLvl"))
            assert outline.get(qn("w:val")) == str(level)


class TestContent:
    def test_paragraphs_follow_the_walker(self, table_document: Document) -> None:
        """Title, numbered headings and paragraphs appear in walker order with walker numbers."""
        doc = open_docx(render_docx(table_document, OPTIONS))
        texts = [(p.style.name, p.text) for p in doc.paragraphs]
        assert texts == [
            ("公文标题", "防控工作统计"),
            ("公文一级标题", "一、宣传情况"),
            ("公文二级标题", "（一）社会宣传"),
            ("公文表题", "表1 宣传物料"),
            ("公文三级标题", "1.广告牌"),
            ("公文四级标题", "（1）城区"),
        ]

    def test_runs_carry_fonts_and_sizes(self, education_document: Document) -> None:
        """Every run names its font in the ascii, hAnsi and eastAsia slots and has a size."""
        doc = open_docx(render_docx(education_document, OPTIONS))
        expected = {"公文标题": ("方正小标宋简体", 22), "公文正文": ("仿宋_GB2312", 16)}
        for paragraph in doc.paragraphs:
            font, size = expected[paragraph.style.name]
            for run in paragraph.runs:
                assert fonts(run._r) == same_font(font)
                assert run.font.size == Pt(size)

    def test_run_in_points_have_bold_leads(self, education_document: Document) -> None:
        """A 一是 point starts with its marker and bold lead, then the body in regular weight."""
        doc = open_docx(render_docx(education_document, OPTIONS))
        point = next(p for p in doc.paragraphs if p.text.startswith("一是完善三项制度"))
        assert point.runs[0].text == "一是完善三项制度，落实网格管理。"
        assert point.runs[0].bold is True
        assert point.runs[1].text.startswith("一是建立主要负责人坐班")
        assert not point.runs[1].bold

    def test_every_walker_paragraph_is_drawn(self, property_document: Document) -> None:
        """The DOCX holds exactly the walker's paragraph texts, in order."""
        doc = open_docx(render_docx(property_document, OPTIONS))
        drawn = [p.text for p in doc.paragraphs if p.style.name == "公文正文"]
        events = [e.text for e in numbered(property_document) if isinstance(e, RenderedParagraph)]
        assert drawn == events

    def test_table(self, table_document: Document) -> None:
        """A table has its header row (bold, repeated on each page) and its cells."""
        doc = open_docx(render_docx(table_document, OPTIONS))
        (table,) = doc.tables
        assert [[c.text for c in row.cells] for row in table.rows] == [
            ["类别", "数量"],
            ["户外广告牌", "12块"],
        ]
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.rows[0].cells[0].paragraphs[0].runs[0].bold is True
        cell_run = table.rows[1].cells[0].paragraphs[0].runs[0]
        assert fonts(cell_run._r) == same_font("仿宋_GB2312")
        assert cell_run.font.size == Pt(14)

    def test_control_characters_are_removed(self) -> None:
        """Control characters in a paragraph and a heading vanish; the file stays readable."""
        document = simple_document("今年\x00以来\x0b。", heading="主要\x00做法\x0b")
        data = render_docx(document, OPTIONS)
        texts = [p.text for p in open_docx(data).paragraphs]
        assert "今年以来。" in texts
        assert "一、主要做法" in texts
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            xml = package.read("word/document.xml")
        assert b"\x00" not in xml
        assert b"\x0b" not in xml

    def test_draft_mark(self) -> None:
        """A draft starts with 【草稿】 above the title."""
        doc = open_docx(render_docx(simple_document(), RenderOptions(draft=True)))
        assert doc.paragraphs[0].text == "【草稿】"
        assert doc.paragraphs[1].text == "关于疫情防控宣传工作的总结"

    def test_options_default(self) -> None:
        """Without options the document is drawn with the defaults."""
        assert render_docx(simple_document()) == render_docx(simple_document(), OPTIONS)


class TestSignature:
    def test_unit_right_aligned_date_set_from_its_start(self) -> None:
        """Unit then date close the document: the unit right-aligned, the date left-aligned.

        The date is placed by its first character (indented), without zero padding.
        """
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        unit, date = doc.paragraphs[-2:]
        assert (unit.text, date.text) == ("某某区委宣传部", "2020年3月5日")
        assert unit.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert date.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT

    def test_date_starts_two_characters_right_of_the_unit(self) -> None:
        """GB/T 9704: date two characters from the right, unit starting two to its left.

        The date is set from its first character: eight characters (2 + its 6) left of the
        right margin, whatever its digits measure in the font at hand; its right indent
        reaches into the margin so that wider digits never wrap it.
        """
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        unit, date = doc.paragraphs[-2:]
        width = (
            int(doc.sections[0].page_width - doc.sections[0].left_margin) // 635
            - int(doc.sections[0].right_margin) // 635
        )

        def indent(paragraph: Any, side: str) -> float:
            # In twips: a character is 315 of them (condensed so that 28 fill a line).
            ind = paragraph._p.pPr.find(qn("w:ind"))
            assert ind.get(qn(f"w:{side}Chars")) == "0"
            return int(ind.get(qn(f"w:{side}")))

        assert indent(unit, "right") / 315 == 3  # 2 + 6 (date) + 2 - 7 (unit)
        assert (width - indent(date, "left")) / 315 == 8  # its first character
        assert indent(date, "right") < 0
        assert unit.paragraph_format.space_before == Pt(28.95)


def test_import_does_not_need_python_docx() -> None:
    """Importing the renderer does not import python-docx (an optional extra)."""
    code = "import sys, epireport.render._docx; sys.exit('docx' in sys.modules)"
    src = Path(__file__).parents[2] / "src"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(src)}, check=False
    )
    assert result.returncode == 0


class TestPageNumbers:
    def test_odd_right_even_left(self) -> None:
        """Odd pages number right, even pages left: — PAGE — in 14 pt 宋体."""
        doc = open_docx(render_docx(simple_document(), OPTIONS))
        assert doc.settings.odd_and_even_pages_header_footer is True
        section = doc.sections[0]
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            (paragraph,) = footer.paragraphs
            assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
            xml = paragraph._p.xml
            assert "PAGE" in xml
            assert paragraph.runs[0].text == "— "
            assert paragraph.runs[-1].text == " —"
            for run in paragraph.runs:
                assert fonts(run._r) == same_font("宋体")
                assert run.font.size == Pt(14)


class TestDeterminism:
    def test_two_renders_are_byte_identical(self, property_document: Document) -> None:
        """Rendering the same document twice gives the same bytes."""
        assert render_docx(property_document, OPTIONS) == render_docx(property_document, OPTIONS)

    def test_fixed_times(self, property_document: Document) -> None:
        """Zip members and core properties carry fixed times, not the time of rendering."""
        data = render_docx(property_document, OPTIONS)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        props = open_docx(data).core_properties
        assert (
            props.created == props.modified == datetime.datetime(2020, 2, 10, tzinfo=datetime.UTC)
        )
        assert props.last_modified_by == "epireport"

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(min_size=1, max_size=60))
    def test_any_text_renders_readably(self, text: str) -> None:
        """Any paragraph text renders deterministically to a file python-docx can read."""
        document = simple_document(text)
        data = render_docx(document, OPTIONS)
        assert data == render_docx(document, OPTIONS)
        drawn = [p.text for p in open_docx(data).paragraphs if p.style.name == "公文正文"]
        events = [e.text for e in numbered(document) if isinstance(e, RenderedParagraph)]
        assert drawn == events


class TestBase:
    def test_red_header_survives(self) -> None:
        """A base's red 版头 header stays, on odd and even pages, and its body comes first."""
        doc = open_docx(render_docx(simple_document(), OPTIONS, base=base_docx()))
        section = doc.sections[0]
        for header in (section.header, section.even_page_header):
            run = next(r for p in header.paragraphs for r in p.runs if r.text == RED_HEADER)
            assert run.font.color.rgb == RGBColor(0xFF, 0, 0)
        texts = [p.text for p in doc.paragraphs]
        assert texts[0] == "主送：各街道党工委"
        assert texts[1] == "关于疫情防控宣传工作的总结"
        assert texts[-1] == "2020年3月5日"

    def test_base_keeps_its_section_settings(self) -> None:
        """The base's page size and margins are kept (python-docx's template is US Letter)."""
        original = open_docx(base_docx()).sections[0]
        section = open_docx(render_docx(simple_document(), OPTIONS, base=base_docx())).sections[0]
        assert section.page_width == original.page_width
        assert section.top_margin == original.top_margin

    def test_placeholder_is_replaced(self) -> None:
        """The report replaces the paragraph holding {{正文}}, between the base's paragraphs."""
        data = render_docx(simple_document(), OPTIONS, base=base_docx(placeholder=True))
        texts = [p.text for p in open_docx(data).paragraphs]
        assert PLACEHOLDER not in "".join(texts)
        assert texts[0] == "主送：各街道党工委"
        assert texts[1] == "关于疫情防控宣传工作的总结"
        assert texts[-2:] == ["2020年3月5日", "抄送：区委办公室"]

    def test_base_footer_is_kept(self) -> None:
        """A base with its own footer keeps it; no page numbers are added."""
        data = render_docx(simple_document(), OPTIONS, base=base_docx(footer="机关页脚"))
        doc = open_docx(data)
        assert doc.sections[0].footer.paragraphs[0].text == "机关页脚"
        assert doc.settings.odd_and_even_pages_header_footer is False

    def test_header_image_is_relinked_on_even_pages(self) -> None:
        """An image in the base header (a logo) shows in the copied even-page header too."""

        def chunk(kind: bytes, data: bytes) -> bytes:
            crc = zlib.crc32(kind + data) & 0xFFFFFFFF
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

        png = (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b"")
        )
        base = docx.Document()
        base.sections[0].header.paragraphs[0].add_run(RED_HEADER).add_picture(io.BytesIO(png))
        out = io.BytesIO()
        base.save(out)
        doc = open_docx(render_docx(simple_document(), OPTIONS, base=out.getvalue()))
        even = doc.sections[0].even_page_header
        (blip,) = even._element.xpath(".//a:blip")
        rid = blip.get(qn("r:embed"))
        assert even.part.related_parts[rid].blob == png

    def test_first_page_of_a_base_is_numbered(self) -> None:
        """A base setting its first page apart (版头 page) still gets a page number there."""
        base = docx.Document()
        section = base.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].add_run(RED_HEADER)
        out = io.BytesIO()
        base.save(out)
        doc = open_docx(render_docx(simple_document(), OPTIONS, base=out.getvalue()))
        first = doc.sections[0]
        assert first.first_page_header.paragraphs[0].text == RED_HEADER
        assert first.first_page_footer.paragraphs[0].text == "— 1 —"
        assert first.footer.paragraphs[0].text == "— 1 —"

    def test_base_style_wins(self) -> None:
        """A style the base defines under a report style's name is kept, runs unformatted."""
        from docx.enum.style import WD_STYLE_TYPE

        base = docx.Document()
        style = base.styles.add_style("公文正文", WD_STYLE_TYPE.PARAGRAPH)
        style.font.name = "Times New Roman"
        out = io.BytesIO()
        base.save(out)
        doc = open_docx(render_docx(simple_document(), OPTIONS, base=out.getvalue()))
        body = style_of(doc, "公文正文")
        assert body.font.name == "Times New Roman"
        paragraph = next(p for p in doc.paragraphs if p.style.name == "公文正文")
        assert paragraph.runs[0]._r.rPr is None

    def test_base_from_path_is_deterministic(self, tmp_path: Path) -> None:
        """A base given as a path works like bytes and renders deterministically."""
        path = tmp_path / "base.docx"
        path.write_bytes(base_docx())
        first = render_docx(simple_document(), OPTIONS, base=path)
        assert first == render_docx(simple_document(), OPTIONS, base=str(path))
        assert first == render_docx(simple_document(), OPTIONS, base=base_docx())

    def test_unreadable_base(self, tmp_path: Path) -> None:
        """A base that is not a .docx raises RenderError naming it."""
        with pytest.raises(RenderError, match=r"not a readable \.docx"):
            render_docx(simple_document(), OPTIONS, base=b"not a zip file")
        missing = tmp_path / "missing.docx"
        with pytest.raises(RenderError, match=r"missing\.docx"):
            render_docx(simple_document(), OPTIONS, base=missing)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("with_base", [False, True])
def test_libreoffice_converts_to_pdf(
    tmp_path: Path, education_document: Document, with_base: bool
) -> None:
    """LibreOffice converts the DOCX (fresh or on a base) to a non-empty PDF."""
    program = soffice()
    source = tmp_path / "report.docx"
    source.write_bytes(
        render_docx(education_document, OPTIONS, base=base_docx() if with_base else None)
    )
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists()
    assert pdf.stat().st_size > 0
    assert pdf.read_bytes().startswith(b"%PDF")


class TestClosingLinesKeptWithSignature:
    """The signature keeps the text's last two lines with it, not a whole long paragraph."""

    @staticmethod
    def signed(text: str) -> Any:
        document = Document(
            title="总结",
            meta=Meta(institution="a", unit="某某单位", period="2020-02"),
            preamble=(Paragraph((Sentence(text),)),),
            signature=Signature("某某单位", datetime.date(2020, 2, 7)),
        )
        return open_docx(render_docx(document, OPTIONS))

    def test_long_closing_paragraph_is_cut_before_its_last_two_lines(self) -> None:
        """Five lines of full-width text: three stay, the last two are set on with the unit."""
        text = "测试文字" * 31 + "完。"  # 126 characters: lines of 26, 28, 28, 28, 16
        doc = self.signed(text)
        body = [p for p in doc.paragraphs if p.style.name == "公文正文"]
        head, tail = body[-2:]
        assert head.text + tail.text == text
        assert tail.text == text[26 + 28 + 28 :]
        assert head.paragraph_format.keep_with_next is None
        assert tail.paragraph_format.keep_with_next
        assert tail.paragraph_format.first_line_indent == 0

    @pytest.mark.parametrize(
        "text",
        [
            "这是一行测试文字。" * 3,  # three lines: short enough to go over whole
            "共发放2000份，" * 19
            + "共发放2000份。",  # half-width digits: where lines break depends on the font
        ],
    )
    def test_short_or_uncertain_paragraph_goes_whole(self, text: str) -> None:
        """A short paragraph, or one whose lines are not certain, is kept whole with the unit."""
        doc = self.signed(text)
        body = [p for p in doc.paragraphs if p.style.name == "公文正文"]
        assert body[-1].text == text
        assert body[-1].paragraph_format.keep_with_next


def test_closing_paragraph_not_cut_after_a_hanging_mark() -> None:
    """Where the line before the cut hangs its 。 in the margin, the paragraph goes whole."""
    # lines: 26 + 。 (hanging), 28, 28, 10: the cut follows a line of 28
    text = "测" * 26 + "。" + "试" * 27 + "，" + "文" * 27 + "。" + "字" * 9 + "。"
    doc = TestClosingLinesKeptWithSignature.signed(text)
    body = [p for p in doc.paragraphs if p.style.name == "公文正文"]
    assert body[-1].text != text  # cut: the line before it (试……，) is 28 wide
    text = "测" * 26 + "试" * 28 + "。" + "文" * 28 + "字" * 9 + "。"
    doc = TestClosingLinesKeptWithSignature.signed(text)
    body = [p for p in doc.paragraphs if p.style.name == "公文正文"]
    assert body[-1].text == text  # lines 26, 28 + 。, 28, 10: the line before the cut hangs

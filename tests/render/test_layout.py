"""Every format draws emphasis, figures, placeholders, the draft mark and the signature alike."""

import datetime
import re

import attrs
import pytest

from epireport.document import (
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    FactRef,
    Meta,
    Paragraph,
    RenderedParagraph,
    Sentence,
    Signature,
)
from epireport.exceptions import ModelError
from epireport.render import (
    RenderOptions,
    render_docx,
    render_html,
    render_markdown,
    render_text,
)
from epireport.render._layout import (
    DRAFT_COLOR,
    fact_note,
    paragraph_runs,
    place_signature,
    placeholder_spans,
)

from .test_docx import open_docx

FIGURE = FactRef(
    fact_id="screened@KJJ@2020-01-27/2020-02-09",
    indicator="screened",
    unit="KJJ",
    period="2020-01-27/2020-02-09",
    text="11397",
    value="11397",
    sources=("a", "b", "c"),
)


def shi_document(*, lead_body: str = "共排查师生xx人次。", sig_date: bool = True) -> Document:
    """One 一是 item with a lead and a body, a figure, and a signature."""
    item = EnumerationItem(
        Sentence("强抓排查，压实责任。"),
        (Paragraph((Sentence(lead_body, facts=(FIGURE,) if "11397" in lead_body else ()),)),),
    )
    return Document(
        title="县科教局新冠肺炎疫情防控工作总结",
        meta=Meta(institution="education-bureau", unit="县科教局", period="2020-02"),
        preamble=(Enumeration((item,), EnumerationStyle.SHI, False),),
        signature=Signature("县科教局", datetime.date(2020, 2, 9) if sig_date else None),
    )


class TestRuns:
    def test_lead_with_body_is_bold(self) -> None:
        """Marker and lead are one bold run when a body follows; the body is not bold."""
        event = RenderedParagraph(0, "一是", "强抓排查。", "共排查。")
        runs = paragraph_runs(event)
        assert [(r.text, r.bold) for r in runs] == [("一是强抓排查。", True), ("共排查。", False)]

    def test_lead_alone_is_not_bold(self) -> None:
        """An item that is all lead (1.每日调查……) is not a bold paragraph."""
        runs = paragraph_runs(RenderedParagraph(0, "1.", "每日调查。", ""))
        assert not any(r.bold for r in runs)

    def test_figures_carry_their_fact(self) -> None:
        """The figure's run carries its FactRef; the runs join back into the text."""
        event = RenderedParagraph(0, "", "", "共排查11397人次。", (FIGURE,))
        runs = paragraph_runs(event)
        assert "".join(r.text for r in runs) == event.text
        assert [r.text for r in runs if r.fact is FIGURE] == ["11397"]

    def test_placeholders_only_in_drafts(self) -> None:
        """Placeholders are runs of their own in a draft, plain text otherwise."""
        event = RenderedParagraph(0, "", "", "召开x次会议，发放xx份，1月某日，某某多户。")
        marked = [r.text for r in paragraph_runs(event, draft=True) if r.placeholder]
        assert marked == ["x", "xx", "某", "某某"]
        assert not any(r.placeholder for r in paragraph_runs(event))

    @pytest.mark.parametrize("text", ["用Excel统计", "1920x1080的屏幕", "拍X光片", "某些地方"])
    def test_words_are_not_placeholders(self, text: str) -> None:
        """An x inside words, a product's x, X光 and 某些 are no placeholders."""
        assert placeholder_spans(text) == ()


class TestFactNote:
    def test_without_fact(self) -> None:
        """A figure without its fact still says value, period and the units its data name."""
        note = fact_note(FIGURE)
        assert note.startswith("统计数：11397；统计期间：2020年1月27日至2月9日")
        assert "单位" not in note  # its sources' ids name no unit
        ref = attrs.evolve(FIGURE, sources=("screened@S01@20200127", "screened@S02@20200127"))
        assert fact_note(ref).endswith("；数据来自2个单位")

    def test_draft_figure(self) -> None:
        """A draft's figure (no value) says it is still to be filled in."""
        ref = FactRef("f", "screened", "KJJ", "2020-02", "xx", None)
        assert "待填" in fact_note(ref)

    @pytest.mark.parametrize(
        ("institution", "indicator"),
        [
            ("district-publicity", "leaflets"),  # a value stated missing among its sources
            ("district-publicity", "group_meetings"),  # stated by the district itself
            ("education-bureau", "screened"),
            ("property-company", "notices"),
        ],
    )
    def test_counts_agree(self, institution: str, indicator: str) -> None:
        """Every count of a reference figure's note is labelled and agrees with the others.

        The reports received are the fact's coverage, never the number of its data values
        (which holds the markers of values stated missing: 收到61份 beside 据62份日报), and no
        count of the whole report's units (6个单位中4个报送) stands beside the figure's own.
        """
        from epireport import build_document, demo_input
        from epireport.document import numbered

        document, _ = build_document(demo_input(institution))
        refs = [
            ref
            for event in numbered(document)
            if isinstance(event, RenderedParagraph)
            for ref in event.facts
            if ref.fact is not None and ref.fact.indicator.startswith(indicator)
        ]
        if not refs:
            pytest.skip(f"{institution} states no {indicator} figure")
        fact = refs[0].fact
        note = fact_note(refs[0])
        coverage = fact.coverage
        units = {v.unit for v in fact.sources if v.status.is_submitted}
        parts = note.split("；")
        assert parts[1].startswith("统计期间：")
        assert parts[2] == f"数据来自{len(units)}个单位"
        assert parts[3].startswith(
            f"报送情况：应报{coverage.expected}份，实报{coverage.submitted}份"
        )
        assert len(parts) == 4
        numbers = [int(n) for n in re.findall(r"(\d+)份", parts[3])]
        assert max(numbers) == coverage.expected
        assert "日报" not in note
        assert "未报送" not in note


class TestSignaturePlacement:
    def test_unsealed(self) -> None:
        """7.3.5.2: unit two characters from the right, date's start two right of the unit's."""
        place = place_signature("中共城关区委宣传部", "2020年2月7日")
        assert (place.unit_right, place.date_right, place.blank_lines) == (2.0, 3.0, 1)

    def test_unsealed_long_date(self) -> None:
        """A date longer than the unit keeps two characters and pushes the unit left."""
        place = place_signature("县科教局", "2020年2月9日")
        assert place.date_right == 2.0
        assert place.unit_right == 6.0

    def test_sealed(self) -> None:
        """7.3.5.1: the date four characters from the right, the unit centred over it."""
        place = place_signature("中共城关区委宣传部", "2020年2月7日", sealed=True)
        assert place.date_right == 4.0
        # centres: 4 + 6/2 for the date (6 characters wide), 2.5 + 9/2 for the unit
        assert place.unit_right + 9 / 2 == place.date_right + 6 / 2
        assert place.blank_lines == 2

    def test_undated(self) -> None:
        """Without a date the unit stands where the date would."""
        assert place_signature("县科教局", "").unit_right == 2.0
        assert place_signature("县科教局", "", sealed=True).unit_right == 4.0


class TestOptions:
    @pytest.mark.parametrize("field", ["sealed", "appendix", "draft"])
    def test_switches_are_booleans(self, field: str) -> None:
        """A switch that is not True or False is refused, naming the field."""
        with pytest.raises(ModelError, match=rf"RenderOptions\.{field}"):
            RenderOptions(**{field: "yes"})  # type: ignore[arg-type]

    def test_facts_must_be_a_fact_set(self) -> None:
        """The facts option takes a FactSet or None."""
        with pytest.raises(ModelError, match=r"RenderOptions\.facts"):
            RenderOptions(facts={"a": 1})


class TestFormatsAgree:
    def test_lead_bold_everywhere(self) -> None:
        """The same lead is bold in Markdown, HTML and DOCX."""
        document = shi_document()
        lead = "一是强抓排查，压实责任。"
        # (a ** between 。 and 共 would not close in CommonMark: the 。 alone goes after it)
        assert "**一是强抓排查，压实责任**。共" in render_markdown(document, RenderOptions())
        assert f"<strong>{lead}</strong>" in render_html(document, RenderOptions())
        doc = open_docx(render_docx(document, RenderOptions()))
        bold = [
            r.text for p in doc.paragraphs for r in p.runs if r.bold and r.text.startswith("一是")
        ]
        assert bold == [lead]

    def test_markdown_parsers_agree(self) -> None:
        """CommonMark and Python-Markdown read the same strong lead and signature paragraphs.

        No literal backslash and no literal asterisks come out of either (markdown-it-py is
        the CommonMark reader).
        """
        markdown = pytest.importorskip("markdown")
        markdown_it = pytest.importorskip("markdown_it")
        source = render_markdown(shi_document(), RenderOptions(draft=True))
        outputs = [markdown.markdown(source), markdown_it.MarkdownIt("commonmark").render(source)]
        for html in outputs:
            assert "<p><strong>【草稿】</strong></p>" in html
            assert "<strong>一是强抓排查，压实责任</strong>。" in html
            assert "<p>县科教局</p>" in html
            assert "<p>2020年2月9日</p>" in html
            assert "\\" not in html
            assert "*" not in html

    def test_signature_positions_agree(self) -> None:
        """HTML and DOCX place the signature by the same rule, in the same characters.

        The line nearer the right margin stands where place_signature says; unsealed, the
        date starts two characters right of the unit's start (DOCX: a left indent from the
        date's computed start, HTML: the box's padding), sealed the unit is centred over it.
        """
        document = shi_document()
        pitch = 315  # twips a condensed body character takes
        type_width = 11906 - round((28 + 26) / 25.4 * 1440)
        for sealed in (False, True):
            place = place_signature("县科教局", "2020年2月9日", sealed=sealed)
            html = render_html(document, RenderOptions(sealed=sealed))
            pads = [float(x) for x in re.findall(r"padding-right: ([\d.]+)em", html)]
            assert pads == [min(place.unit_right, place.date_right)]
            doc = open_docx(render_docx(document, RenderOptions(sealed=sealed)))
            unit, date = [p for p in doc.paragraphs if p.style.name == "公文落款"]
            assert round(unit.paragraph_format.right_indent.twips) == round(
                place.unit_right * pitch
            )
            if sealed:
                assert 'class="sealed"' in html
                assert round(date.paragraph_format.right_indent.twips) == round(
                    place.date_right * pitch
                )
            else:
                assert 'class="signed"' in html
                start = place.date_right + 6  # 2020年2月9日: six characters wide
                left = date.paragraph_format.left_indent.twips
                assert abs(left - (type_width - start * pitch)) <= 2
                # the date's start is two characters right of the unit's
                unit_start = place.unit_right + 4
                assert unit_start - start == 2

    def test_text_keeps_the_words(self) -> None:
        """Plain text has no emphasis or positions to show, but the same words in order."""
        text = render_text(shi_document(), RenderOptions(sealed=True))
        assert text.endswith("\n县科教局\n2020年2月9日\n")


class TestDraftMarking:
    def test_html_marks_placeholders_and_red_draft(self) -> None:
        """A draft HTML wraps each placeholder in <mark> and colours 【草稿】 red."""
        html = render_html(shi_document(), RenderOptions(draft=True))
        # (the paragraph's end, which does not wrap, starts at the placeholder)
        assert '共排查师生<span class="end"><mark>xx</mark>人次' in html
        assert '<p class="draft">【草稿】</p>' in html
        assert re.search(rf"\.draft \{{[^}}]*color: #{DRAFT_COLOR}", html)

    def test_final_html_marks_nothing(self) -> None:
        """A final document shows no <mark> even where its text reads xx."""
        assert "<mark>" not in render_html(shi_document(), RenderOptions())

    def test_docx_highlights_placeholders_and_red_draft(self) -> None:
        """A draft DOCX highlights each placeholder run and sets 【草稿】 red and bold."""
        doc = open_docx(render_docx(shi_document(), RenderOptions(draft=True)))
        runs = [r for p in doc.paragraphs for r in p.runs]
        highlighted = [r.text for r in runs if r.font.highlight_color is not None]
        assert highlighted == ["xx"]
        mark = next(r for r in runs if r.text == "【草稿】")
        assert mark.bold
        assert str(mark.font.color.rgb) == DRAFT_COLOR

    def test_html_figures_have_their_fact_on_hover(self) -> None:
        """Each figure is a span whose title tells its fact (no script needed)."""
        html = render_html(shi_document(lead_body="共排查师生11397人次。"), RenderOptions())
        assert re.search(r'<span class="figure" title="统计数：11397；[^"]*">11397</span>', html)
        assert "<script" not in html

import datetime
import json
import re

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport.document import (
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    FactRef,
    Meta,
    Paragraph,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    Section,
    Sentence,
    Signature,
    Table,
    Violation,
    clean_text,
    enumeration_marker,
    numbered,
    one_line,
    tidy_punctuation,
)
from epireport.exceptions import ModelError
from epireport.render._html import render_html
from epireport.render._json import render_json
from epireport.render._markdown import render_markdown
from epireport.render._options import RenderOptions
from epireport.render._text import render_text

META = Meta(institution="district", unit="区委宣传部", period="2020-02")
RENDERERS = (render_text, render_markdown, render_html, render_json)


def para(*texts: str) -> Paragraph:
    return Paragraph(tuple(Sentence(t) for t in texts))


def item(text: str | None, *blocks: Paragraph | Enumeration | Table) -> EnumerationItem:
    return EnumerationItem(None if text is None else Sentence(text), blocks)


def doc(**kwargs: object) -> Document:
    return Document(title=kwargs.pop("title", "工作总结"), meta=META, **kwargs)  # type: ignore[arg-type]


def paragraphs(document: Document) -> list[str]:
    return [e.text for e in numbered(document) if isinstance(e, RenderedParagraph)]


# ---------------------------------------------------------------------------------------------
# Random trees: explicit builds, so that validators (not inference) decide what is valid.

_CHARS = st.sampled_from(
    list("防控宣传工作社区学校员工业主消毒口罩")
    + list("，、；。！？：;,.!?“”（）()1234567890 \n\t")
    + ["\x00", "\x0b", "\x1f", "\x7f", "\ufffe", "#", "*", "_", "<", ">", "&", "|", "-", "`"]
)
texts = st.text(_CHARS, max_size=25)
headings = st.text(_CHARS, min_size=1, max_size=12).filter(
    lambda t: bool(t.strip("，,、；;：: \t\n。！？!?.\x00\x0b\x1f\x7f\ufffe　"))
)
facts = st.builds(
    FactRef,
    fact_id=st.just("f1"),
    indicator=st.just("leaflets"),
    unit=st.just("u1"),
    period=st.just("2020-02"),
    text=st.just("3.2万余"),
    value=st.none() | st.just("32418"),
    sources=st.lists(st.sampled_from(["v1", "v2"]), max_size=2).map(tuple),
)
sentences = st.builds(Sentence, text=texts, facts=st.lists(facts, max_size=2).map(tuple))
paragraph_st = st.builds(Paragraph, st.lists(sentences, max_size=3).map(tuple))
tables = st.builds(
    lambda caption, header, n: Table(
        caption, tuple(header), tuple(tuple(header) for _ in range(n))
    ),
    texts,
    st.lists(texts, min_size=1, max_size=3),
    st.integers(0, 2),
)
styles = st.sampled_from(EnumerationStyle)


def _enumerations(children: st.SearchStrategy[object], inline: bool) -> st.SearchStrategy[object]:
    items = st.builds(
        EnumerationItem,
        lead=st.none() | sentences,
        blocks=st.lists(children, max_size=2).map(tuple),
    )
    return st.builds(Enumeration, st.lists(items, max_size=4).map(tuple), styles, st.just(inline))


inline_blocks = st.recursive(
    paragraph_st, lambda children: _enumerations(children, True), max_leaves=6
)
blocks = st.recursive(
    st.one_of(paragraph_st, tables, inline_blocks),
    lambda children: _enumerations(children, False),
    max_leaves=8,
)


def _sections(depth: int) -> st.SearchStrategy[Section]:
    subs = st.just(()) if depth == 4 else st.lists(_sections(depth + 1), max_size=2).map(tuple)
    return st.builds(
        Section, heading=headings, blocks=st.lists(blocks, max_size=3).map(tuple), sections=subs
    )


documents = st.builds(
    Document,
    title=headings,
    meta=st.builds(
        Meta,
        institution=st.just("district"),
        unit=texts,
        period=st.just("2020-02"),
        generated=st.none() | texts,
        draft=st.booleans(),
    ),
    preamble=st.lists(blocks, max_size=2).map(tuple),
    sections=st.lists(_sections(1), max_size=3).map(tuple),
    closing=st.lists(blocks, max_size=2).map(tuple),
    signature=st.none() | st.builds(Signature, unit=headings, date=st.none() | st.dates()),
)


class TestTextHygiene:
    def test_clean_text_removes_what_xml_cannot_hold(self) -> None:
        """Controls other than tab and newline, surrogates and U+FFFE/FFFF are removed."""
        assert clean_text("a\x00b\x0bc\x1fd\x7fe\x85f\ud800g\ufffeh\r\ti\nj") == "abcdefgh\ti\nj"

    def test_tree_strings_are_cleaned_on_construction(self) -> None:
        """Every string of the tree goes through clean_text when the tree is built."""
        table = Table("表\x00", ("a\x01",), (("b\x02",),))
        assert (table.caption, table.header, table.rows) == ("表", ("a",), (("b",),))
        assert Sentence("测\x08试").text == "测试"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("防控\n宣传", "防控宣传"),
            ("防控 \n 宣传", "防控宣传"),
            ("covid\n19", "covid 19"),
            ("防控\n", "防控"),
        ],
    )
    def test_one_line_joins_chinese_without_space(self, text: str, expected: str) -> None:
        """A break between Chinese characters vanishes; elsewhere it becomes one space."""
        assert one_line(text) == expected

    def test_tidy_punctuation_drops_separator_before_terminal(self) -> None:
        """；。 and ，。 and 、。 collapse to 。."""
        assert tidy_punctuation("甲；。乙，。丙、！") == "甲。乙。丙！"


class TestValidation:
    def test_blank_heading_is_rejected(self) -> None:
        """A heading made only of spaces and separators names Section.heading."""
        with pytest.raises(ModelError, match=r"Section\.heading"):
            Section("　、")

    def test_inline_enumeration_rejects_tables(self) -> None:
        """An inline enumeration is one paragraph, so its items cannot hold tables."""
        with pytest.raises(ModelError, match="inline enumeration"):
            Enumeration((item("甲", Table("", ("a",))),), EnumerationStyle.SHI, True)

    def test_rows_must_match_header(self) -> None:
        """A row with a different number of cells from the header is rejected."""
        with pytest.raises(ModelError, match=r"Table\.rows\[0\]"):
            Table("", ("a", "b"), (("1",),))

    def test_sections_nest_at_most_four_deep(self) -> None:
        """A fifth level has no number in GB/T 9704 and is rejected."""
        deep = Section("五")
        for name in "四三二一":
            deep = Section(name, sections=(deep,))
        with pytest.raises(ModelError, match="at depth 5"):
            doc(sections=(deep,))

    def test_wrong_types_name_the_field(self) -> None:
        """Validators name Class.field and the offending value."""
        with pytest.raises(
            ModelError, match=r"Paragraph\.sentences\[0\]: expected Sentence, got 'x'"
        ):
            Paragraph(("x",))  # type: ignore[arg-type]
        with pytest.raises(ModelError, match=r"Enumeration\.style"):
            Enumeration((), "roman", False)  # type: ignore[arg-type]
        with pytest.raises(ModelError, match=r"Meta\.draft"):
            Meta("a", "b", "c", draft="yes")  # type: ignore[arg-type]

    def test_lists_become_tuples(self) -> None:
        """Lists given in code become tuples, so trees compare and hash."""
        p = Paragraph([Sentence("甲")])  # type: ignore[arg-type]
        assert p.sentences == (Sentence("甲"),)
        assert hash(p) == hash(para("甲"))


class TestNumbering:
    def test_markers_per_style(self) -> None:
        """Each style writes its own marker for the n-th item."""
        assert [enumeration_marker(12, s) for s in EnumerationStyle] == [
            "十二是",
            "第十二，",
            "12.",
            "12、",
            "（12）",
            "（十二）",
        ]

    def test_heading_numbers_come_from_depth_and_position(self) -> None:
        """Depth 1 to 4 number as 一、 （一） 1. （1）, each level counting from one."""
        tree = doc(
            sections=(
                Section(
                    "甲",
                    sections=(
                        Section("乙"),
                        Section("丙", sections=(Section("丁", sections=(Section("戊"),)),)),
                    ),
                ),
                Section("己"),
            )
        )
        headings = [e.full for e in numbered(tree) if isinstance(e, RenderedHeading)]
        assert headings == ["一、甲", "（一）乙", "（二）丙", "1.丁", "（1）戊", "二、己"]

    def test_empty_items_take_no_number(self) -> None:
        """An item with nothing to say is skipped and the rest renumber."""
        enum = Enumeration(
            (item("甲。"), item(None), item("、"), item("乙。")), EnumerationStyle.SHI, False
        )
        assert paragraphs(doc(preamble=(enum,))) == ["一是甲。", "二是乙。"]

    def test_inline_enumeration_joins_with_semicolons(self) -> None:
        """Inline items are joined with ；and the last ends with 。, never ；。 or a dangling 、."""
        enum = Enumeration((item("甲"), item("乙、"), item("丙；")), EnumerationStyle.DI, True)
        assert paragraphs(doc(preamble=(enum,))) == ["第一，甲；第二，乙；第三，丙。"]

    def test_inline_item_ending_a_sentence_keeps_its_full_stop(self) -> None:
        """An item that already ends with 。 is not followed by ；."""
        enum = Enumeration((item("甲。乙。"), item("丙！")), EnumerationStyle.SHI, True)
        assert paragraphs(doc(preamble=(enum,))) == ["一是甲。乙。二是丙！"]

    def test_block_item_merges_lead_and_first_block(self) -> None:
        """Marker, lead and a first paragraph or inline list make one paragraph; more follow."""
        inner = Enumeration((item("建立制度"), item("落实门禁")), EnumerationStyle.SHI, True)
        enum = Enumeration(
            (item("完善三项制度", inner, para("其他。")),), EnumerationStyle.SHI, False
        )
        events = [e for e in numbered(doc(preamble=(enum,))) if isinstance(e, RenderedParagraph)]
        assert [(e.marker, e.lead, e.body) for e in events] == [
            ("一是", "完善三项制度：", "一是建立制度；二是落实门禁。"),
            ("", "", "其他。"),
        ]

    def test_free_paragraph_trailing_separator_becomes_full_stop(self) -> None:
        """A paragraph ending with ；or 、 ends with 。 instead; a colon stays."""
        assert paragraphs(doc(preamble=(para("甲；"), para("乙、"), para("丙：")))) == [
            "甲。",
            "乙。",
            "丙：",
        ]

    def test_events_in_reading_order(self) -> None:
        """Title, preamble, sections, closing, then the signature."""
        tree = doc(
            preamble=(para("序。"),),
            sections=(Section("甲", (Table("表", ("a",)),)),),
            closing=(para("尾。"),),
            signature=Signature("区委宣传部", datetime.date(2020, 2, 10)),
        )
        kinds = [type(e) for e in numbered(tree)]
        assert kinds == [
            RenderedTitle,
            RenderedParagraph,
            RenderedHeading,
            RenderedTable,
            RenderedParagraph,
            RenderedSignature,
        ]
        assert list(numbered(tree))[-1] == RenderedSignature("区委宣传部", "2020年2月10日")

    def test_facts_travel_with_paragraphs(self) -> None:
        """A rendered paragraph carries the facts of its sentences."""
        fact = FactRef("f", "leaflets", "u", "2020-02", "3万余", "30412", ("v1",))
        tree = doc(preamble=(Paragraph((Sentence("印制宣传单3万余张。", (fact,)),)),))
        assert [e.facts for e in numbered(tree) if isinstance(e, RenderedParagraph)] == [(fact,)]


class TestDictRoundTrip:
    def test_to_dict_keeps_field_order_and_facts(self) -> None:
        """to_dict keys follow the tree and sentences list their facts with sources."""
        fact = FactRef("f", "leaflets", "u", "2020-02", "3万余", "30412", ("v1",))
        tree = doc(preamble=(Paragraph((Sentence("印制3万余张。", (fact,)),)),))
        data = tree.to_dict()
        assert list(data) == ["title", "meta", "preamble", "sections", "closing", "signature"]
        assert data["preamble"][0]["sentences"][0]["facts"][0] == {
            "fact_id": "f",
            "indicator": "leaflets",
            "unit": "u",
            "period": "2020-02",
            "text": "3万余",
            "value": "30412",
            "start": 2,
            "end": 5,
            "status": "value",
            "reason": "",
            "coverage": None,
            "comparisons": {},
            "violations": [],
            "sources": ["v1"],
        }

    def test_figures_are_found_past_dates(self) -> None:
        """A sentence built in code finds its figure as a whole number, not in a date."""
        fact = FactRef("f", "leaflets", "u", "2020-02", "2", "2", ())
        sentence = Sentence("2月12日共发放2张，22人。", (fact,))
        assert sentence.spans == ((8, 9),)
        assert sentence.text[8:9] == "2"

    def test_violations_touch_the_figures_they_read(self) -> None:
        """A violation is listed with each figure of its unit, period and codes, not others."""
        note = Violation("r1", "error", "u", "2020-02", "差额不符", "1", "2", ("leaflets",))
        facts = (
            FactRef("f", "leaflets", "u", "2020-02", "3万余", "30412"),
            FactRef("g", "leaflets", "other", "2020-02", "5", "5"),
        )
        tree = Document(
            "标题",
            Meta("inst", "u", "2020-02", violations=(note,)),
            preamble=(Paragraph((Sentence("印制3万余张，另5张。", facts),)),),
        )
        written = tree.to_dict()["preamble"][0]["sentences"][0]["facts"]
        assert [len(f["violations"]) for f in written] == [1, 0]
        assert written[0]["violations"][0]["rule"] == "r1"
        assert Document.from_dict(tree.to_dict()).to_dict() == tree.to_dict()

    def test_from_dict_checks_offsets(self) -> None:
        """Offsets outside the sentence are a ModelError naming the figure's path."""
        fact = FactRef("f", "leaflets", "u", "2020-02", "3万余", "30412")
        data = doc(preamble=(Paragraph((Sentence("印制3万余张。", (fact,)),)),)).to_dict()
        data["preamble"][0]["sentences"][0]["facts"][0]["end"] = 99
        with pytest.raises(ModelError, match=r"facts\[0\]: expected start and end"):
            Document.from_dict(data)

    def test_from_dict_names_the_bad_path(self) -> None:
        """A malformed dict is a ModelError naming the JSON path."""
        data = doc(sections=(Section("甲", (para("乙。"),)),)).to_dict()
        data["sections"][0]["blocks"][0]["type"] = "list"
        with pytest.raises(ModelError, match=r"\$\.sections\[0\]\.blocks\[0\]\.type"):
            Document.from_dict(data)

    @settings(max_examples=60, deadline=None)
    @given(documents)
    def test_round_trip(self, document: Document) -> None:
        """from_dict(json of to_dict) gives the same document back."""
        assert Document.from_dict(json.loads(json.dumps(document.to_dict()))) == document


class TestRandomTrees:
    @settings(max_examples=80, deadline=None)
    @given(documents, st.booleans())
    def test_every_format_renders(self, document: Document, draft: bool) -> None:
        """Random trees render in every format without error and with no XML-illegal text."""
        for render in RENDERERS:
            out = render(document, RenderOptions(draft=draft))
            assert isinstance(out, str)
            assert clean_text(out.replace("\r", "")) == out.replace("\r", "")

    @settings(max_examples=80, deadline=None)
    @given(documents)
    def test_text_punctuation_invariants(self, document: Document) -> None:
        """Text output never contains ；。 and no line ends with 、 (but a lone 1、 item mark)."""
        out = render_text(document, RenderOptions())
        assert "；。" not in out
        assert not any(
            line.endswith("、") and not re.fullmatch(r"\s*\d+、", line) for line in out.splitlines()
        )

    @settings(max_examples=40, deadline=None)
    @given(documents)
    def test_trees_are_frozen_values(self, document: Document) -> None:
        """Trees are immutable and equal to their evolved copies."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            document.title = "x"  # type: ignore[misc]
        assert attrs.evolve(document) == document


def test_trusted_constructors_build_what_the_public_ones_build() -> None:
    """The parser's unchecked fast path gives objects equal to validated ones, hashing alike."""
    from epireport.document import FactRef, Paragraph, Sentence

    args = ("leaflets@D01@202002", "leaflets", "D01", "202002", "3.2万余张", "32456", ("a", "b"))
    ref = FactRef(*args)
    fast_ref = FactRef._trusted(*args)
    assert fast_ref == ref
    assert hash(fast_ref) == hash(ref)
    sentence = Sentence("共发放宣传单3.2万余张。", (ref,))
    assert Sentence._trusted("共发放宣传单3.2万余张。", (fast_ref,)) == sentence
    assert Paragraph._trusted((sentence,)) == Paragraph((sentence,))


@given(documents)
def test_parser_constructors_rebuild_any_tree(document: Document) -> None:
    """The parser's constructors rebuild any tree equal to the validated one, hashing alike."""

    def block(b: Paragraph | Enumeration | Table) -> Paragraph | Enumeration | Table:
        if not isinstance(b, Enumeration):
            return b
        items = tuple(
            EnumerationItem._trusted(i.lead, tuple(block(x) for x in i.blocks)) for i in b.items
        )
        if b.inline:
            return Enumeration(items, b.style, True)
        return Enumeration._trusted(items, b.style)

    def section(s: Section) -> Section:
        return Section._build(
            s.heading, tuple(block(b) for b in s.blocks), tuple(section(x) for x in s.sections)
        )

    rebuilt = Document._build(
        document.title,
        document.meta,
        tuple(block(b) for b in document.preamble),
        tuple(section(s) for s in document.sections),
        tuple(block(b) for b in document.closing),
        document.signature,
    )
    assert rebuilt == document
    assert hash(rebuilt) == hash(document)
    assert rebuilt.to_dict() == document.to_dict()
    assert list(numbered(rebuilt)) == list(numbered(document))


@pytest.mark.parametrize("heading", ["，", "\x01", " ；", "标题\x00", "正文"])
def test_section_build_checks_its_heading_like_the_constructor(heading: str) -> None:
    """Section._build cleans and refuses a heading exactly as Section() does."""
    blocks = (para("正文。"),)
    try:
        expected: Section | str = Section(heading, blocks)
    except ModelError as exc:
        expected = str(exc)
    try:
        got: Section | str = Section._build(heading, blocks, ())
    except ModelError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize("title", ["，", "\x01", "工作\x0b总结", "工作总结"])
@pytest.mark.parametrize("meta", [META, "not a meta"])
def test_document_build_checks_title_and_meta_like_the_constructor(
    title: str, meta: object
) -> None:
    """Document._build cleans and refuses a title or meta exactly as Document() does."""
    try:
        expected: Document | str = Document(title, meta)  # type: ignore[arg-type]
    except ModelError as exc:
        expected = str(exc)
    try:
        got: Document | str = Document._build(title, meta, (), (), (), None)  # type: ignore[arg-type]
    except ModelError as exc:
        got = str(exc)
    assert got == expected


@given(st.lists(sentences, max_size=4))
def test_paragraph_text_and_facts_concatenate_sentences(items: list[Sentence]) -> None:
    """A paragraph's text and facts are its sentences' in order."""
    paragraph = Paragraph(tuple(items))
    assert paragraph.text == "".join(s.text for s in items)
    assert paragraph.facts == tuple(f for s in items for f in s.facts)

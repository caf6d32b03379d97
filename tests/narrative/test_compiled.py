"""Compiled markup shapes: filling a plan gives exactly what parsing and walking give."""

import pickle
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import epireport
from epireport.document import (
    Document,
    FactRef,
    Meta,
    _walk_document,
    numbered,
)
from epireport.exceptions import TemplateError
from epireport.facts import compute_facts
from epireport.narrative._compiled import ShapeCache
from epireport.narrative._compose import compose, render_markup
from epireport.narrative._environment import build_environment, environment_for
from epireport.narrative._markup import (
    DROP,
    FACT_CLOSE,
    FACT_MID,
    FACT_OPEN,
    fact_marker,
    is_neutral,
    parse_markup,
    slot,
)
from epireport.testing import example_report

META = Meta(institution="demo", unit="城关区", period="202002")
REFS = [
    FactRef(f"f{i}/d1/202002", f"f{i}", "d1", "202002", f"{i}块", str(i), (f"v{i}",))
    for i in range(6)
]
REFERENCE = ["district-publicity", "education-bureau", "property-company"]


def expected(
    markup: str, refs: list[FactRef], meta: Meta = META, title: str = "默认标题"
) -> Document:
    return parse_markup(markup, refs, meta, template="t", default_title=title)


def through(
    cache: ShapeCache, markup: str, refs: list[FactRef], meta: Meta = META, title: str = "默认标题"
) -> Document:
    return cache.compose("t", markup, refs, meta, title)


def assert_same(got: Document, want: Document) -> None:
    """Same tree and the same render events as walking the ordinary parse."""
    assert got == want
    assert got._events == tuple(_walk_document(want))
    assert list(numbered(got)) == list(_walk_document(want))


# ------------------------------------------------------------------------ plans on markup

SHAPE = (
    "# {0}疫情防控工作总结\n"
    "成立以{1}为组长的工作组。\n"
    "## 主要做法\n"
    "::: shi\n"
    "- 强抓社会宣传。共发布宣传单{2}、横幅{3}；出动宣传车{4}。\n"
    "- 实抓新闻宣传。刊发信息{5}。\n"
    ":::\n"
    "## 下一步\n"
    "继续做好{0}的宣传工作。\n"
    "@signature {0}\n"
    "@date 2020-02-29\n"
)


def markup_of(words: list[str]) -> str:
    """The markup a template prints: unit and leader in slots, four figures with facts."""
    unit, leader, *figures = words
    return SHAPE.format(
        slot(unit), slot(leader), *(fact_marker(i, text) for i, text in enumerate(figures))
    )


def test_second_sighting_builds_a_plan_that_fills_other_reports() -> None:
    """Seen once: parsed. Seen twice: a plan. Then other units' words fill it, same result."""
    cache = ShapeCache()
    first = markup_of(["城关区", "区委书记", "3.2万余张", "120条", "15台次", "42条"])
    assert_same(through(cache, first, REFS), expected(first, REFS))
    assert cache.plans() == 0
    assert_same(through(cache, first, REFS), expected(first, REFS))
    assert cache.plans() == 1
    other = markup_of(["七里河区", "副区长", "近3.3万张", "1.2万条", "7台次", "xx条"])
    got = through(cache, other, REFS)
    assert_same(got, expected(other, REFS))
    assert got.title == "七里河区疫情防控工作总结"
    assert got.signature is not None
    assert got.signature.unit == "七里河区"
    # Parts without a slot are shared between the documents filled from one plan.
    again = through(cache, other, REFS)
    lead = again.sections[0].blocks[0].items[0].lead  # type: ignore[union-attr]
    assert lead is got.sections[0].blocks[0].items[0].lead  # type: ignore[union-attr]
    assert lead is not None
    assert lead.text == "强抓社会宣传。"


def test_words_that_are_not_neutral_are_parsed_every_time() -> None:
    """A slot holding punctuation (a 。 cuts a sentence) is parsed, never filled."""
    cache = ShapeCache()
    words = ["城关区", "区委书记", "3.2万余张", "120条", "15台次", "42条"]
    for _ in range(2):
        through(cache, markup_of(words), REFS)
    assert cache.plans() == 1
    odd = markup_of(["城关区", "书记。副书记", "3.2万余张", "120条", "15台次", "42条"])
    assert not is_neutral("书记。副书记")
    got = through(cache, odd, REFS)
    assert_same(got, expected(odd, REFS))
    assert len(got.preamble[0].sentences) == 2  # type: ignore[union-attr]


def test_a_slot_where_the_parser_reads_refuses_the_plan() -> None:
    """``@date {{ day }}``-like slots cannot be filled: the shape is parsed every time."""
    cache = ShapeCache()
    markup = f"# 总结\n正文{slot('城关区')}。\n@date {slot('20200229')}\n"
    for _ in range(3):
        with pytest.raises(TemplateError, match="@date expects a date"):
            through(cache, markup, [])
    fine = "# 总结\n正文" + slot("城关区") + "。\n@signature " + slot("城关区") + "\n"
    for _ in range(3):
        assert_same(through(cache, fine, []), expected(fine, []))
    assert cache.plans() == 1


def test_default_title_and_meta_unit_reach_the_tree() -> None:
    """Without a title line the default title is used; without @signature, the meta's unit."""
    cache = ShapeCache()
    markup = f"正文{slot('城关区')}。\n@date 2020-02-29\n"
    for title, unit in [("甲总结", "甲区"), ("甲总结", "甲区"), ("乙总结", "乙区")]:
        meta = Meta(institution="demo", unit=unit, period="202002")
        got = through(cache, markup, [], meta, title)
        assert_same(got, expected(markup, [], meta, title))
        assert got.title == title
        assert got.signature is not None
        assert got.signature.unit == unit
    assert cache.plans() == 1
    # A default title that is not neutral takes the parser (and gives the same).
    meta = Meta(institution="demo", unit="丙区", period="202002")
    assert_same(
        through(cache, markup, [], meta, "丙区（试行）总结"),
        expected(markup, [], meta, "丙区（试行）总结"),
    )


def test_refs_that_do_not_reach_the_shape_take_the_parser() -> None:
    """A figure index beyond the refs (a marker a template made up) is parsed as ever."""
    cache = ShapeCache()
    markup = f"# T\n共{fact_marker(3, '3块')}。\n"
    for _ in range(2):
        through(cache, markup, REFS)
    assert cache.plans() == 1
    assert_same(through(cache, markup, REFS[:2]), expected(markup, REFS[:2]))


def test_cache_is_bounded() -> None:
    """Shapes are remembered up to a limit, the oldest going first."""
    from epireport.narrative._compiled import MAX_SHAPES

    cache = ShapeCache()
    for n in range(MAX_SHAPES + 10):
        through(cache, f"# 第{n}号\n正文{slot('甲')}。\n", [])
    assert len(cache) == MAX_SHAPES


# ------------------------------------------------------------------------ random markup

NEUTRAL = st.text(st.sampled_from("0123456789.%宣传工作xX万余近约块张"), min_size=1, max_size=6)
STATIC = st.sampled_from(
    ["宣传", "工作", "，", "。", "；", "、", "（", "）", "“", "”", "！", " ", "：", "|", "-", "xx"]
)


@st.composite
def segments(draw: st.DrawFn, figures: int) -> list[Any]:
    """Pieces of one line: static text, ("slot",), ("figure", index) and DROP."""
    atoms = st.one_of(
        STATIC,
        st.just(("slot",)),
        st.builds(lambda i: ("figure", i), st.integers(0, figures - 1)),
        st.just(DROP),
    )
    return draw(st.lists(atoms, min_size=1, max_size=8))


@st.composite
def markup_shapes(draw: st.DrawFn) -> list[tuple[str, list[Any]]]:
    """Lines of markup: (prefix, segments), blocks well nested (mostly)."""
    lines: list[tuple[str, list[Any]]] = []
    seg = segments(len(REFS))
    if draw(st.booleans()):
        lines.append(("# ", draw(seg)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["para", "h2", "h3", "shi", "arabic inline", "table", "sig"]))
        if kind == "para":
            lines.append(("", draw(seg)))
        elif kind in ("h2", "h3"):
            lines.append(("## " if kind == "h2" else "### ", draw(seg)))
        elif kind == "table":
            lines.append(("::: table ", draw(seg)))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(("| ", [*draw(seg), " | ", *draw(seg), " |"]))
            lines.append((":::", []))
        elif kind == "sig":
            lines.append(("@signature ", draw(seg)))
        else:
            lines.append((f"::: {kind}", []))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(("- ", draw(seg)))
                if draw(st.booleans()):
                    lines.append(("", draw(seg)))
            lines.append((":::", []))
    return lines


def instantiate(lines: list[tuple[str, list[Any]]], words: list[str]) -> str:
    out = []
    k = 0
    for prefix, pieces in lines:
        text = [prefix]
        for piece in pieces:
            if isinstance(piece, tuple):
                content = words[k % len(words)]
                k += 1
                text.append(slot(content) if piece[0] == "slot" else fact_marker(piece[1], content))
            else:
                text.append(piece)
        out.append("".join(text))
    return "\n".join(out) + "\n"


def parse_or_error(markup: str, refs: list[FactRef], title: str) -> Document | str:
    try:
        return expected(markup, refs, title=title)
    except TemplateError as exc:
        return str(exc)


def compose_or_error(cache: ShapeCache, markup: str, refs: list[FactRef], title: str) -> Any:
    try:
        return through(cache, markup, refs, title=title)
    except TemplateError as exc:
        return str(exc)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    markup_shapes(),
    st.lists(NEUTRAL, min_size=1, max_size=5),
    st.lists(NEUTRAL, min_size=1, max_size=5),
    st.sampled_from(["默认标题", "甲区工作总结"]),
)
def test_filled_plans_equal_the_parse_on_random_markup(
    lines: list[tuple[str, list[Any]]], first: list[str], second: list[str], title: str
) -> None:
    """For any markup shape and any neutral words, filling equals parsing (or both fail)."""
    cache = ShapeCache()
    a = instantiate(lines, first)
    b = instantiate(lines, second)
    for markup in (a, a, b, b):
        want = parse_or_error(markup, REFS, title)
        got = compose_or_error(cache, markup, REFS, title)
        if isinstance(want, str):
            assert got == want
        else:
            assert_same(got, want)


# ------------------------------------------------------------------------ through compose


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    return epireport.Plugins.create()


@pytest.mark.parametrize("institution", REFERENCE)
@pytest.mark.parametrize("draft", [False, True])
def test_reference_institutions_compose_through_plans(
    institution: str, draft: bool, plugins: epireport.Plugins
) -> None:
    """Every reference institution's reports come out of plans, exactly as parsed."""
    inst = plugins.institution(institution)
    entry = environment_for(plugins, inst)
    for seed in [0, 0, *range(1, 8)]:
        report = example_report(institution, seed, plugins=plugins).input
        facts = compute_facts(report, inst, rules=plugins.validation_rules(inst))
        got = compose(report, inst, facts, plugins, draft=draft)
        markup, state = render_markup(report, inst, facts, plugins, draft=draft)
        meta = Meta(
            institution=inst.code, unit=report.display_name, period=str(report.period), draft=draft
        )
        title = report.title or f"{report.display_name}{inst.title}工作总结"
        want = parse_markup(markup, state.refs, meta, template=inst.template, default_title=title)
        assert_same(got, want)
    assert entry.shapes.plans() >= 1


def test_units_of_one_template_share_a_plan(plugins: epireport.Plugins) -> None:
    """Words printed with {{ }} (the unit's name) are slots: other units fill the same plan."""
    inst = plugins.institution("district-publicity")
    report = example_report("district-publicity", 0, plugins=plugins).input
    facts = compute_facts(report, inst, rules=plugins.validation_rules(inst))
    fresh = epireport.Plugins.create()
    entry = environment_for(fresh, inst)
    names = ["城关区", "城关区", "七里河区", "西固区", "安宁区"]
    for name in names:
        unit_report = report.__class__(**{**_fields(report), "unit_name": name})
        compose(unit_report, inst, facts, fresh)
    assert entry.shapes.plans() == 1
    assert len(entry.shapes) == 1


def _fields(report: Any) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(report, f.name) for f in attrs.fields(type(report)) if f.init}


# ------------------------------------------------------------------------ slots and events


def test_finalize_puts_printed_words_in_slots() -> None:
    """Neutral words and counts go in slots; punctuation, figures and HTML stay as they are."""
    env = build_environment(
        jinja2.DictLoader(
            {
                "r.md.j2": "{{ a }}|{{ b }}|{{ n }}|{{ m }}|{{ flag }}|{{ marked }}",
                "p.html": "{{ a }}",
            }
        )
    )
    out = env.get_template("r.md.j2").render(
        a="城关区", b="书记、副书记", n=12, m=-3, flag=True, marked=fact_marker(0, "3块")
    )
    assert out.split("|") == [slot("城关区"), "书记、副书记", slot("12"), "-3", "True",
                              fact_marker(0, "3块")]  # fmt: skip
    assert env.get_template("p.html").render(a="城关区") == "城关区"


def test_slot_without_fact_keeps_its_words() -> None:
    """The parser strips a slot's markers and attaches no fact."""
    doc = expected(f"# T\n{slot('城关区')}发布{fact_marker(0, '3块')}。\n", REFS)
    sentence = doc.preamble[0].sentences[0]  # type: ignore[union-attr]
    assert sentence.text == "城关区发布3块。"
    assert sentence.facts == (REFS[0],)
    assert FACT_OPEN not in sentence.text
    assert FACT_MID not in sentence.text
    assert FACT_CLOSE not in sentence.text


def test_events_are_remembered_but_not_part_of_the_document() -> None:
    """numbered() walks once; the memo changes neither equality, repr nor pickling."""
    doc = expected("# T\n## 一\n正文。\n", [])
    first = list(numbered(doc))
    assert list(numbered(doc)) == first
    assert doc._events is doc._events
    fresh = expected("# T\n## 一\n正文。\n", [])
    assert fresh == doc
    assert hash(repr(fresh)) == hash(repr(doc))
    copy = pickle.loads(pickle.dumps(doc))
    assert copy == doc
    assert list(numbered(copy)) == first


def test_tables_with_slots_fill_like_the_parse() -> None:
    """Captions and cells holding words or figures are filled like any sentence."""
    cache = ShapeCache()
    for unit, figure in [("甲区", "3块"), ("甲区", "4块"), ("乙区", "5块"), ("丙区", "6块")]:
        markup = (
            f"# 总结\n::: table {slot(unit)}情况\n| 单位 | 数量 |\n| --- | --- |\n"
            f"| {slot(unit)} | {fact_marker(0, figure)} |\n:::\n"
        )
        got = through(cache, markup, REFS)
        assert_same(got, expected(markup, REFS))
        assert got.preamble[0].rows == ((unit, figure),)  # type: ignore[union-attr]
    assert cache.plans() == 1

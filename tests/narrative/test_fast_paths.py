"""The composing fast paths give what the plain paths give: prepared facts, splitting, globals."""

import copy
import gc
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport._plugins import Plugins
from epireport.document import FactRef, Meta
from epireport.facts import compute_facts
from epireport.model._indicators import NumberStyle
from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.model._values import DataValue
from epireport.narrative._compose import compose, render_markup
from epireport.narrative._environment import build_environment
from epireport.narrative._figures import _PREPARED, _UNMARK, clean_input, prepared_tables
from epireport.narrative._markup import (
    _RARE_TERMINATORS,
    _SENTENCE_RE,
    DROP,
    FACT_CLOSE,
    FACT_MID,
    FACT_OPEN,
    _split,
    fact_marker,
    parse_markup,
    slot,
    split_sentences,
)
from epireport.narrative._static_facts import StaticFacts

MakePlugins = Callable[..., Plugins]

TEMPLATE = (
    "# {{ unit }}总结\n"
    "共发布{{ count_list(['billboards', 'screens', 'banners']) }}，"
    "印发宣传单{{ figure('leaflets') }}（{{ figure('leaflets', classifier=False) }}），"
    "召开会议{{ figure('meetings') }}。{% if has('leaflets') %}有宣传单。{% endif %}\n"
    "再述：{{ figure('leaflets', style='exact') }}，{{ figure('meetings') }}。\n"
)


@pytest.fixture
def plugins(plugins_for: MakePlugins) -> Plugins:
    """Plugins whose demo template writes figures in several ways, some twice."""
    return plugins_for({"demo/report.md.j2": TEMPLATE})


def _facts(report: ReportInput, institution: Institution, values: dict[str, int]) -> Any:
    rows = tuple(DataValue.reported(c, "d1", report.period, v) for c, v in values.items())
    return compute_facts(attrs.evolve(report, values=rows), institution), attrs.evolve(
        report, values=rows
    )


def test_prepared_facts_compose_as_new_ones(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """Composing again from the same fact set (prepared tables) equals composing from a new one."""
    facts, full = _facts(report, institution, full_values)
    first_text, first_state = render_markup(full, institution, facts, plugins)
    again_text, again_state = render_markup(full, institution, facts, plugins)
    fresh_text, fresh_state = render_markup(full, institution, copy.copy(facts), plugins)
    assert first_text == again_text == fresh_text
    assert first_state.refs == again_state.refs == fresh_state.refs
    assert len(first_state.refs) == len(set(first_state.refs))  # equal refs share an index
    documents = [compose(full, institution, facts, plugins) for _ in range(2)]
    assert documents[0] == documents[1] == compose(full, institution, copy.copy(facts), plugins)
    found, written = prepared_tables(facts, full.unit, full.period)
    assert set(written) == {"billboards", "screens", "banners", "leaflets", "meetings"}
    assert set(found) >= set(written)


def test_prepared_figures_follow_the_institution(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """Another institution's indicator (another number style) is written in its own style."""
    facts, full = _facts(report, institution, full_values)
    hedged = compose(full, institution, facts, plugins)
    indicators = tuple(
        attrs.evolve(i, number_style=NumberStyle.EXACT)
        for i in institution.indicator_sets[0].indicators
    )
    exact_set = attrs.evolve(institution.indicator_sets[0], indicators=indicators)
    exact_institution = attrs.evolve(institution, indicator_sets=(exact_set,))
    exact = compose(full, exact_institution, facts, plugins)
    assert exact == compose(full, exact_institution, copy.copy(facts), plugins)
    assert hedged == compose(full, institution, copy.copy(facts), plugins)
    assert (
        f"{FACT_MID}32456张{FACT_CLOSE}"
        in render_markup(full, exact_institution, facts, plugins)[0]
    )
    assert f"{FACT_MID}3.2万余张{FACT_CLOSE}" in render_markup(full, institution, facts, plugins)[0]


def test_drafts_and_placeholders_are_not_prepared(
    plugins: Plugins, institution: Institution, report: ReportInput
) -> None:
    """Missing figures follow each render's draft mode and placeholder, however often rendered."""
    facts = StaticFacts({"billboards": 1, "screens": 2, "banners": 3, "leaflets": None})
    for placeholder in ("xx", "某某", "xx"):
        text, _ = render_markup(
            report, institution, facts, plugins, draft=True, placeholder=placeholder
        )
        assert f"宣传单{FACT_OPEN}" in text
        assert f"{placeholder}张{FACT_CLOSE}" in text


def test_own_fact_sets_are_read_at_every_render(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """A fact set of the user's own class may change between renders: nothing is kept with it."""

    class Fact:
        def __init__(self, value: int) -> None:
            self.value = value

    class Facts:
        def __init__(self) -> None:
            self.values: dict[str, int] = dict(full_values)

        def find(self, code: str, unit: object = None, period: object = None) -> Fact | None:
            return Fact(self.values[code]) if code in self.values else None

    facts = Facts()
    assert f"{FACT_MID}3次{FACT_CLOSE}" in render_markup(report, institution, facts, plugins)[0]
    facts.values["meetings"] = 5
    text, _ = render_markup(report, institution, facts, plugins)
    assert f"{FACT_MID}5次{FACT_CLOSE}" in text
    assert prepared_tables(facts, report.unit, report.period) == ({}, {})


def test_static_facts_are_prepared_per_unit_and_period(report: ReportInput) -> None:
    """StaticFacts and FactSets keep one pair of tables per unit and period, others none."""
    facts = StaticFacts({"leaflets": Decimal("1.5")})
    tables = prepared_tables(facts, "d1", report.period)
    assert prepared_tables(facts, "d1", report.period)[0] is tables[0]
    assert prepared_tables(facts, "d2", report.period)[0] is not tables[0]
    assert prepared_tables({"leaflets": 1}, "d1", report.period) == ({}, {})


_MARKUP_CHARS = st.sampled_from(
    [*"。！？；!?;”’」』）)》〉】]\"'宣传，、 ", FACT_OPEN, FACT_MID, FACT_CLOSE, DROP, "1"]
)


@given(st.text(_MARKUP_CHARS, max_size=30))
def test_split_sentences_cuts_as_the_definition(text: str) -> None:
    """split_sentences gives exactly the pieces of its regular-expression definition."""
    assert split_sentences(text) == [m.group(0) for m in _SENTENCE_RE.finditer(text)]


_PIECES = st.one_of(
    st.text(_MARKUP_CHARS, max_size=6),
    st.builds(fact_marker, st.integers(0, 3), st.sampled_from(["3块", "", "。", "，", "“"])),
)


@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), min_size=1, max_size=4))
def test_lines_are_cut_with_the_terminators_of_the_whole_markup(lines: list[str]) -> None:
    """The parser looks for rare terminators once per markup: each line is still cut as defined."""
    whole = "\n".join(lines)
    rare = [c for c in _RARE_TERMINATORS if c in whole]
    for line in lines:
        expected = [m.group(0) for m in _SENTENCE_RE.finditer(line)]
        assert _split(line, rare) == expected
        assert _split(line, _RARE_TERMINATORS) == expected


def test_figures_attach_to_the_sentences_they_stand_in() -> None:
    """Figures in several sentences of one line attach to their own sentence only."""
    refs = [FactRef(f"f{i}", "x", "u", "p", f"{i}块", str(i)) for i in range(3)]
    meta = Meta(institution="demo", unit="城关区", period="202002")
    line = (
        f"共{fact_marker(0, '0块')}、{fact_marker(1, '1块')}！"
        f"他说：“好{fact_marker(2, '2块')}。”再{fact_marker(9, '9块')}；{DROP}没有。"
    )
    document = parse_markup(f"# T\n{line}", refs, meta)
    paragraph = document.preamble[0]
    assert [(s.text, s.facts) for s in paragraph.sentences] == [  # type: ignore[union-attr]
        ("共0块、1块！", (refs[0], refs[1])),
        ("他说：“好2块。”", (refs[2],)),
        ("再9块。", ()),
    ]


@given(st.text(st.sampled_from([*"宣传 \u3000\n\r\x0b\x85\u2028", FACT_OPEN, DROP]), max_size=12))
def test_clean_input_fast_path_equals_translation(text: str) -> None:
    """clean_input gives what removing markers and joining lines gives, printable or not."""
    assert clean_input(text) == " ".join(text.translate(_UNMARK).splitlines()).strip()


def test_template_globals_are_the_environments_overlaid() -> None:
    """A template's globals are a plain dict: the environment's, then its own, at load time."""
    env = build_environment(jinja2.DictLoader({"t": "{{ who }}{{ figure is defined }}"}))
    env.globals["who"] = "env"
    template = env.get_template("t")
    assert isinstance(template.globals, dict)
    # Printed words travel in slots (invisible markers), stripped by the parser.
    assert template.render() == f"{slot('env')}True"
    own = env.get_template("t", globals={"who": "own"})
    assert own.render() == f"{slot('own')}True"
    assert env.globals["who"] == "env"
    sandboxed = build_environment(jinja2.DictLoader({"t": "{{ who }}"}), sandboxed=True)
    sandboxed.globals["who"] = "sandbox"
    assert sandboxed.get_template("t").render() == slot("sandbox")


def test_prepared_tables_die_with_their_fact_set(
    plugins: Plugins, institution: Institution, report: ReportInput, full_values: dict[str, int]
) -> None:
    """What is kept with a fact set is released with it (nothing refers back to it)."""
    facts, full = _facts(report, institution, full_values)
    compose(full, institution, facts, plugins)
    assert facts in _PREPARED
    before = len(_PREPARED)
    kept = weakref.ref(facts)
    del facts
    gc.collect()
    # Other tests' fact sets may be collected by the same pass: only this one is pinned.
    assert kept() is None
    assert len(_PREPARED) <= before - 1

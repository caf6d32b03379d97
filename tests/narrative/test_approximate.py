"""Approximate values (480余, 约500, 300多): loaded, kept through aggregation, written honestly."""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

import pytest

from epireport.aggregate._approximate import combined_qualifier
from epireport.exceptions import InputError, ModelError
from epireport.facts import compute_facts
from epireport.io._convert import approximate_value
from epireport.io._load import dump_report, loads_report
from epireport.lint._data import claims_from_json
from epireport.lint._lint import lint_text
from epireport.model._indicators import Indicator, IndicatorSet, NumberStyle
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus

DAY = Period.parse("20200215")
TOWN = Institution(
    code="town",
    title="乡镇",
    indicator_sets=(
        IndicatorSet(
            "s",
            "集",
            (
                Indicator("returnees", "返乡人员", "人"),
                Indicator("area", "消杀面积", "平方米", number_style=NumberStyle.COMPACT),
            ),
        ),
    ),
)


def report(values: str) -> str:
    """A town report with two villages and the given long-form rows."""
    return (
        "institution: town\nunit: T\nperiod: 20200215\norg_units:\n"
        "  - {code: T, name: 镇}\n  - {code: V1, name: 一村, parent: T}\n"
        f"  - {{code: V2, name: 二村, parent: T}}\nvalues:\n{values}"
    )


def row(unit: str, value: str, indicator: str = "returnees") -> str:
    """One long-form row."""
    return f"  - {{indicator: {indicator}, unit: {unit}, period: 20200215, value: {value}}}\n"


class TestInput:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("480余", (480, "余")),
            ("约500", (500, "约")),
            ("300多", (300, "多")),
            ("近1000", (1000, "近")),
            ("3.2万余", (32000, "余")),
            ("30余万", (300000, "余")),
            ("3.2万", (32000, "")),
            ("480", None),
            ("约3万余", None),
            ("很多", None),
        ],
    )
    def test_approximate_figures_are_read(self, text: str, expected: object) -> None:
        """约, 近, 余 and 多 with a number (and 万/亿) read as a number and its qualifier."""
        assert approximate_value(text) == expected

    def test_a_report_states_approximate_values_and_dumps_them_back(self) -> None:
        """480余 loads as 480 with 余, dumps as 480余, and loads back equal; exact by default."""
        loaded = loads_report(report(row("V1", "480余") + row("V2", "20")), institution=TOWN)
        first, second = loaded.values
        assert (first.value, first.qualifier, first.stated) == (480, "余", "480余")
        assert second.qualifier == ""
        dumped = dump_report(loaded)
        assert dumped["values"][0]["value"] == "480余"
        assert loads_report(report(row("V1", "480余") + row("V2", "20"))) == loaded

    def test_a_malformed_approximation_is_refused_naming_the_field(self) -> None:
        """约3万余 is no figure: the value is refused as not an integer, at its path."""
        with pytest.raises(InputError) as info:
            loads_report(report(row("V1", "约3万余")), institution=TOWN, name="r.yaml")
        assert [str(p) for p in info.value.problems] == [
            "r.yaml: $.values[0].value: expected a non-negative integer, got '约3万余'"
        ]

    def test_only_a_reported_number_is_approximate(self) -> None:
        """A qualifier on a zero-report or a text is refused; an unknown one too."""
        with pytest.raises(ModelError, match="only a reported number can be approximate"):
            DataValue("x", "u", DAY, ValueStatus.REPORTED, "多", qualifier="多")
        with pytest.raises(ModelError, match="expected one of 约, 近, 余, 多"):
            DataValue.reported("x", "u", DAY, 5, qualifier="左右")


class TestAggregation:
    @pytest.mark.parametrize(
        ("qualifiers", "computed", "expected"),
        [
            (("", ""), False, ""),
            (("余", ""), False, "余"),
            (("多", "多", ""), False, "多"),
            (("多", "余"), False, "余"),
            (("近", ""), False, "近"),
            (("近", "余"), False, "约"),
            (("约", "余"), False, "约"),
            (("余",), True, "约"),
        ],
    )
    def test_combined_qualifier(
        self, qualifiers: tuple[str, ...], computed: bool, expected: str
    ) -> None:
        """A sum with an inexact part is inexact; bounds mix into 约; quotients are 约."""
        values = [DataValue.reported("x", "u", DAY, 1, qualifier=q) for q in qualifiers]
        assert combined_qualifier(values, computed=computed) == expected

    def test_facts_keep_the_qualifier_of_their_parts(self) -> None:
        """480余 and 20 make the town's 500余; a village's exact figure stays exact."""
        loaded = loads_report(report(row("V1", "480余") + row("V2", "20")), institution=TOWN)
        facts = compute_facts(loaded, TOWN)
        town = facts.get("returnees")
        assert (town.value, town.qualifier) == (500, "余")
        assert facts.get("returnees", "V2").qualifier == ""


class TestProse:
    def render(self, plugins_for: object, rows: str, line: str) -> str:
        """Render one paragraph over the facts of *rows*."""
        from epireport.document import RenderedParagraph, numbered
        from epireport.narrative._compose import compose

        plugins = plugins_for({"town/report.md.j2": f"# 标题\n{line}\n"})  # type: ignore[operator]
        loaded = loads_report(report(rows), institution=TOWN)
        document = compose(loaded, TOWN, compute_facts(loaded, TOWN), plugins)
        self.document = document
        return next(e.text for e in numbered(document) if isinstance(e, RenderedParagraph))

    def test_never_more_precise_than_the_input(self, plugins_for: object) -> None:
        """A lower bound ends with its hedge, 约 comes first, a compact 约 figure stays rounded."""
        rows = (
            row("V1", "480余")
            + row("V2", "20")
            + row("V1", "约12万", "area")
            + row("V2", "3456", "area")
        )
        line = '返乡{{ figure("returnees") }}，一村{{ figure("returnees", "V1") }}，消杀{{ figure("area") }}。'
        assert (
            self.render(plugins_for, rows, line) == "返乡500余人，一村480余人，消杀约12.3万平方米。"
        )
        refs = self.document.preamble[0].sentences[0].facts  # type: ignore[union-attr]
        assert [(r.text, r.value) for r in refs] == [
            ("500余", "500余"),
            ("480余", "480余"),
            ("约12.3万", "约123456"),
        ]

    def test_lint_holds_the_prose_to_inexact_data(self, plugins_for: object) -> None:
        """480余 may be written 480余 or 约500, never 485 (more precise than the data)."""
        self.render(plugins_for, row("V1", "480余"), '返乡{{ figure("returnees", "V1") }}。')
        claims = claims_from_json(self.document.to_dict())
        assert lint_text("标题\n返乡480余人。", data=claims) == []
        assert lint_text("标题\n返乡约500人。", data=claims) == []
        found = lint_text("标题\n返乡485人。", data=claims)
        assert [f.rule_id for f in found] == ["EPI701"]
        assert "more precise than its input" in found[0].message
        assert [f.rule_id for f in lint_text("标题\n返乡500余人。", data=claims)] == ["EPI701"]

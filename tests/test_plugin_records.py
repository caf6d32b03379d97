from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.aggregate._rules import Importance, MissingStrategy, Operator, ValidationRule
from epireport.exceptions import ModelError
from epireport.io._loaders import InputLoader
from epireport.lint._rules import LintRule, Severity
from epireport.narrative._templates import TemplateSource
from epireport.render._formats import ReportFormat


def render(document: Any, options: Any) -> str:
    return ""


class TestReportFormat:
    def test_valid(self) -> None:
        """A complete format keeps its fields."""
        fmt = ReportFormat("markdown", "Markdown", ".md", "text/markdown", False, render)
        assert (fmt.code, fmt.suffix, fmt.binary) == ("markdown", ".md", False)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "Markdown"}, r"ReportFormat\.code"),
            ({"title": ""}, r"ReportFormat\.title"),
            ({"suffix": "md"}, r"ReportFormat\.suffix: .*'md'"),
            ({"media_type": "markdown"}, r"ReportFormat\.media_type: .*'markdown'"),
            ({"binary": "no"}, "binary"),
            ({"render": "render"}, r"ReportFormat\.render: expected a callable"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, Any], message: str) -> None:
        """Each bad field is refused with a message naming it."""
        fields = {
            "code": "markdown",
            "title": "Markdown",
            "suffix": ".md",
            "media_type": "text/markdown",
            "binary": False,
            "render": render,
        }
        with pytest.raises((ModelError, TypeError), match=message):
            ReportFormat(**{**fields, **changes})


class TestTemplateSource:
    def test_exactly_one_origin(self) -> None:
        """A source names exactly one of package, directory or loader."""
        with pytest.raises(ModelError, match=r"exactly one of package, directory or loader.*none"):
            TemplateSource("x")
        with pytest.raises(ModelError, match="got package, directory"):
            TemplateSource("x", package="p", directory="d")

    def test_directory_loader(self, tmp_path: Path) -> None:
        """A directory source loads templates from disk; strings become paths."""
        (tmp_path / "a.j2").write_text("甲", encoding="utf-8")
        source = TemplateSource("local", directory=str(tmp_path), priority=3)
        assert source.directory == tmp_path
        env = jinja2.Environment(loader=source.jinja_loader(), autoescape=False)
        assert env.get_template("a.j2").render() == "甲"

    def test_package_and_loader(self) -> None:
        """A package source uses a PackageLoader; a loader source is used as given."""
        loader = jinja2.DictLoader({})
        assert TemplateSource("x", loader=loader).jinja_loader() is loader
        assert isinstance(
            TemplateSource("x", package="jinja2", package_path=".").jinja_loader(),
            jinja2.PackageLoader,
        )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"priority": "high"}, r"TemplateSource\.priority"),
            ({"priority": True}, r"TemplateSource\.priority"),
            ({"code": "My Templates"}, r"TemplateSource\.code"),
            ({"loader": "templates/"}, r"TemplateSource\.loader"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, Any], message: str) -> None:
        """Each bad field is refused with a message naming it."""
        fields: dict[str, Any] = {"code": "x", "loader": jinja2.DictLoader({})}
        with pytest.raises(ModelError, match=message):
            TemplateSource(**{**fields, **changes})


class TestValidationRule:
    @given(st.sampled_from(Operator), st.sampled_from(MissingStrategy), st.sampled_from(Importance))
    def test_enums_by_value_or_member(
        self, operator: Operator, missing: MissingStrategy, importance: Importance
    ) -> None:
        """Operators, strategies and importances may be spelled as in files."""
        by_value = ValidationRule("r", "a", operator.value, "b", missing.value, importance.value)
        by_member = ValidationRule("r", "a", operator, "b", missing, importance)
        assert by_value == by_member
        assert (by_value.operator, by_value.missing, by_value.importance) == (
            operator,
            missing,
            importance,
        )

    def test_defaults(self) -> None:
        """Missing figures skip the rule and a violation is an error unless stated otherwise."""
        rule = ValidationRule("r", "fever", "<=", "screened")
        assert (rule.missing, rule.importance, rule.institution) == (
            MissingStrategy.SKIP,
            Importance.ERROR,
            None,
        )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "a rule"}, r"ValidationRule\.code"),
            ({"left": " "}, r"ValidationRule\.left"),
            ({"operator": "=<"}, r"ValidationRule\.operator: .*'=<'"),
            ({"missing": "zero"}, r"ValidationRule\.missing: .*'zero'"),
            ({"importance": "fatal"}, r"ValidationRule\.importance"),
            ({"institution": ""}, r"ValidationRule\.institution"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, Any], message: str) -> None:
        """Each bad field is refused with a message naming it and the value."""
        fields: dict[str, Any] = {"code": "r", "left": "a", "operator": "<=", "right": "b"}
        with pytest.raises(ModelError, match=message):
            ValidationRule(**{**fields, **changes})


class TestLintRule:
    def test_severity_by_value(self) -> None:
        """Severity may be spelled as in files."""
        assert (
            LintRule("doubled-unit", "warning", "万余万", lambda report: []).severity
            is Severity.WARNING
        )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"id": "doubled unit"}, r"LintRule\.id"),
            ({"severity": "fatal"}, r"LintRule\.severity: .*'fatal'"),
            ({"description": ""}, r"LintRule\.description"),
            ({"check": None}, r"LintRule\.check"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, Any], message: str) -> None:
        """Each bad field is refused with a message naming it."""
        fields: dict[str, Any] = {
            "id": "doubled-unit",
            "severity": "error",
            "description": "万余万",
            "check": lambda report: [],
        }
        with pytest.raises(ModelError, match=message):
            LintRule(**{**fields, **changes})


class TestInputLoader:
    @given(st.sampled_from(["r.yaml", "R.YAML", "年报.Yml", "a.b.yml"]))
    def test_reads_by_suffix_ignoring_case(self, name: str) -> None:
        """Suffixes are stored lower-case and match file names whatever their case."""
        loader = InputLoader("yaml", [".YAML", ".yml"], lambda path, inst: None)  # type: ignore[arg-type, return-value]
        assert loader.suffixes == (".yaml", ".yml")
        assert loader.reads(Path(name))
        assert not loader.reads(Path(name + ".bak"))

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "YAML"}, r"InputLoader\.code"),
            ({"suffixes": ".yaml"}, r"InputLoader\.suffixes: expected a sequence"),
            ({"suffixes": ["yaml"]}, r"InputLoader\.suffixes: .*'yaml'"),
            ({"load": "load_report"}, r"InputLoader\.load"),
            ({"description": 1}, r"InputLoader\.description"),
        ],
    )
    def test_invalid_fields_are_refused(self, changes: dict[str, Any], message: str) -> None:
        """Each bad field is refused with a message naming it."""
        fields: dict[str, Any] = {"code": "yaml", "suffixes": [".yaml"], "load": lambda p, i: None}
        with pytest.raises(ModelError, match=message):
            InputLoader(**{**fields, **changes})


def test_model_checks_raise_model_error_not_type_error() -> None:
    """A wrong type in a record is a ModelError naming the field, like every other check."""
    from epireport.exceptions import ModelError
    from epireport.model._institution import NarrativeInput

    with pytest.raises(ModelError, match=r"NarrativeInput\.required: expected True or False"):
        NarrativeInput(code="plans", title="印发方案", required="yes")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=r"ReportFormat\.binary: expected True or False"):
        ReportFormat(
            code="fmt",
            title="格式",
            suffix=".txt",
            media_type="text/plain",
            binary="no",  # type: ignore[arg-type]
            render=lambda document, options: "",
        )


def test_no_record_uses_attrs_type_validators() -> None:
    """Attrs' instance_of raises TypeError; the source uses ModelError checks instead."""
    src = Path(__file__).resolve().parents[1] / "src" / "epireport"
    users = [p.name for p in src.rglob("*.py") if "validators.instance_of" in p.read_text("utf-8")]
    assert users == []


def test_the_old_name_of_an_id_still_reads_with_a_warning() -> None:
    """Records whose id became ``code`` keep ``name`` readable, with a DeprecationWarning."""
    fmt = ReportFormat(
        code="md",
        title="格式",
        suffix=".md",
        media_type="text/markdown",
        binary=False,
        render=lambda document, options: "",
    )
    with pytest.warns(DeprecationWarning, match=r"ReportFormat\.name is deprecated"):
        assert fmt.name == "md"

"""Add a validation rule and a lint rule with a plugin, and see both fire."""

from collections.abc import Iterator

import epireport
from epireport import (
    DataValue,
    Indicator,
    IndicatorSet,
    Institution,
    LintRule,
    Period,
    ReportInput,
    ValidationRule,
    hookimpl,
)
from epireport.lint import Hit, LintDocument, lint_text
from epireport.testing import registered

SCREENING = IndicatorSet(
    code="screening",
    title="师生排查",
    indicators=(
        Indicator(code="screened", name="排查师生", classifier="人"),
        Indicator(code="fever", name="发热", classifier="人"),
    ),
)
BUREAU = Institution(code="bureau", title="县科教局", indicator_sets=(SCREENING,))


def no_wechat(document: LintDocument) -> Iterator[Hit]:
    """House style: write 微信公众号, not 微信."""
    for paragraph in document.paragraphs:
        offset = paragraph.text.find("微信")
        if offset != -1 and not paragraph.text.startswith("微信公众号", offset):
            yield document.hit(paragraph, offset, "write 微信公众号")


class BureauRules:
    """The institution and its rules."""

    @staticmethod
    @hookimpl
    def epireport_register_institutions() -> list[Institution]:
        """Register the bureau."""
        return [BUREAU]

    @staticmethod
    @hookimpl
    def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
        """The feverish are among the screened: fever <= screened."""
        if institution.code != "bureau":
            return []
        return [
            ValidationRule(
                code="fever-within-screened",
                left="fever",
                operator="<=",
                right="screened",
                description="发热人数不超过排查人数",
            )
        ]

    @staticmethod
    @hookimpl
    def epireport_register_lint_rules() -> list[LintRule]:
        """Register the house-style rule."""
        return [LintRule("ACME001", "warning", "write 微信公众号", no_wechat, name="no-wechat")]


day = Period.parse("20200210")
report = ReportInput(
    institution="bureau",
    unit="b01",
    period=day,
    values=(
        DataValue.reported("screened", "b01", day, 120),
        DataValue.reported("fever", "b01", day, 130),  # a typing slip: more than screened
    ),
)

with registered(BureauRules) as plugins:
    rules = plugins.validation_rules("bureau")
    print([rule.code for rule in rules])  # the built-in rules implied by the indicators, then ours
    facts = epireport.compute_facts(report, plugins.institution("bureau"), rules=rules)
    for violation in facts.violations:
        print(
            violation.importance.value,
            violation.rule.code,
            violation.unit,
            violation.period,
            dict(violation.values),
        )

    findings = lint_text("通过微信宣传防控知识xx次。", rules=plugins.lint_rules().values())
    for finding in findings:
        print(finding)

"""The numbering rules follow the institution's choice; 3.1月28日 is caught (EPI504)."""

import pytest

from epireport.exceptions import ModelError
from epireport.lint import LintDocument, lint_text


def ids(text: str, **kwargs: object) -> list[tuple[str, int]]:
    return [(f.rule_id, f.line) for f in lint_text(text, **kwargs)]  # type: ignore[arg-type]


class TestChosenNumbering:
    TEXT = "一、员工安全\n1、测温登记。\n2、发放口罩。\n二、业主安全\n1、出入登记。\n"

    def test_the_chosen_style_is_clean(self) -> None:
        """Items in the institution's 1、 are no finding."""
        assert ids(self.TEXT, numbering="1、") == []

    def test_items_in_another_style_are_reported_once_with_the_fix(self) -> None:
        """Linted as an institution writing 1., the first 1、 item is reported as 1."""
        findings = lint_text(self.TEXT, numbering="1.")
        assert [(f.rule_id, f.line) for f in findings] == [("EPI502", 2)]
        assert findings[0].message == (
            "numbering '1、' is not the item numbering this institution writes (1.: '1.')"
        )

    def test_without_a_choice_only_consistency_counts(self) -> None:
        """No numbering given: one style throughout is clean, as before."""
        assert ids(self.TEXT) == []

    def test_a_bad_choice_is_refused(self) -> None:
        """LintDocument.numbering takes 1. 1、 （1） or None."""
        with pytest.raises(ModelError, match=r"LintDocument\.numbering"):
            LintDocument((), numbering="1)")


class TestNumberingDecimal:
    def test_an_item_mark_run_into_a_date_is_reported(self) -> None:
        """3.1月28日 after 2. reads as 3.1: a warning with both ways out."""
        findings = lint_text("1.测温登记。\n2.发放口罩。\n3.1月28日起每日消毒。\n")
        assert [(f.rule_id, f.line) for f in findings] == [("EPI504", 3)]
        assert "'3、'" in findings[0].message
        assert "thin space" in findings[0].message

    @pytest.mark.parametrize(
        "text",
        [
            "1.测温登记。\n2.发放口罩。\n3.\u20091月28日起每日消毒。\n",  # epireport's thin space
            "1、测温登记。\n2、发放口罩。\n3、1月28日起每日消毒。\n",
            "共发放口罩3.5万只。\n",
            "3.5万人次参与宣传。\n",  # no list expects a 3: a figure, not a mark
        ],
    )
    def test_what_cannot_be_misread_is_clean(self, text: str) -> None:
        """A thin space, the 1、 style, or a figure that is no item mark: no EPI504."""
        assert "EPI504" not in [rule for rule, _ in ids(text)]

"""Forms hold totals only: an institution with split indicators gets a clear refusal."""

import pytest

from epireport.exceptions import UsageError
from epireport.io._excel import write_form
from epireport.model import Category, CategoryOption
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution

ORIGIN = Category(
    code="origin",
    name="来源地",
    options=(CategoryOption("wuhan", "武汉"), CategoryOption("outside", "省外")),
)


def test_a_form_for_split_indicators_is_refused_naming_them_and_the_way_out() -> None:
    """write_form refuses an indicator split by categories, instead of dropping the options."""
    town = Institution(
        code="town",
        title="乡镇",
        indicator_sets=(
            IndicatorSet(
                code="returnees",
                title="返乡人员",
                indicators=(
                    Indicator(
                        code="returnees", name="返乡人员", classifier="人", categories=(ORIGIN,)
                    ),
                    Indicator(code="billboards", name="户外广告牌", classifier="块"),
                ),
            ),
        ),
    )
    with pytest.raises(UsageError) as caught:
        write_form(town)
    message = str(caught.value)
    assert "returnees (返乡人员, by 来源地)" in message
    assert "billboards" not in message
    assert "options column" in message

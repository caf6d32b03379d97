"""Define indicators and an indicator set; nonsensical definitions are refused at once."""

from epireport import Indicator, IndicatorSet, ModelError

PUBLICITY = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="leaflets", name="宣传单", classifier="张", number_style="hedged"),
        Indicator(code="masks_in_store", name="库存口罩", classifier="只", kind="stock"),
        Indicator(code="screened", name="排查", classifier="人"),
        Indicator(code="fever", name="发热", classifier="人", part_of="screened"),
        Indicator(
            code="fever_rate",
            name="发热率",
            kind="rate",
            value_type="percentage",
            numerator="fever",
            denominator="screened",
        ),
    ),
)

for indicator in PUBLICITY.indicators:
    print(
        f"{indicator.code:15} {indicator.kind.value:6} "
        f"units: {indicator.unit_aggregation.value:5} time: {indicator.time_aggregation.value}"
    )

try:
    Indicator(code="masks", name="口罩", classifier="只", kind="stock", time_aggregation="sum")
except ModelError as error:
    print(error)

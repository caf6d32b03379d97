"""Write figures the way GB/T 15835 and Chinese work summaries do, and read them back."""

from epireport.narrative import (
    chinese_numeral,
    format_change,
    format_number,
    format_percent,
    parse_number,
    run_in_marker,
    section_number,
)

print(format_number(32456))  # exact: every digit, no separators
print(format_number(32456, "hedged"))  # 余 floors, and only when something was cut off
print(format_number(30000, "hedged"))  # exactly 3万: never 3万余
print(format_number(32901, "near"))  # 近 ceils
print(format_number(32049, "about"))  # 约 rounds half up
print(format_number(123_456_789, "hedged"))  # 亿 from 1亿 on, never 1亿2345万
print(format_number(128, "hedged", small_step=10))  # hedging below 万, by tens
print(format_percent(0.125), format_change(1080, 1200), format_change(95.0, 85.0, kind="rate"))
print(parse_number("3.2万余"))  # the values that could have been written as 3.2万余
print(section_number(3), section_number(3, level=2), run_in_marker(2), chinese_numeral(12))

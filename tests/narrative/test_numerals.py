import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.narrative._numerals import (
    LIMIT,
    chinese_count,
    chinese_numeral,
    parse_chinese_numeral,
    run_in_marker,
    section_number,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (10000, "一万"),
        (10001, "一万零一"),
        (100000, "十万"),
        (100010, "十万零一十"),
        (110000, "十一万"),
        (1010000, "一百零一万"),
        (10000000, "一千万"),
        (100000000, "一亿"),
        (100010000, "一亿零一万"),
        (100000001, "一亿零一"),
        (1000001000, "十亿零一千"),
        (99999, "九万九千九百九十九"),
    ],
)
def test_chinese_numeral(n: int, expected: str) -> None:
    """Numerals follow the standard reading: 十 not 一十, one 零 per gap, no trailing zeros."""
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize("n", [-1, LIMIT, True, 1.0, "3"])
def test_chinese_numeral_rejects(n: object) -> None:
    """Negative, too large or non-int values raise ModelError."""
    with pytest.raises(ModelError):
        chinese_numeral(n)  # type: ignore[arg-type]


def test_chinese_count() -> None:
    """Before a measure word 2 is 两 (两次), other counts are ordinary numerals (三项, 四个)."""
    assert chinese_count(2) == "两"
    assert chinese_count(3) == "三"
    assert chinese_count(12) == "十二"
    assert f"{chinese_count(3)}项制度" == "三项制度"


@pytest.mark.parametrize(
    ("n", "level", "expected"),
    [
        (1, 1, "一、"),
        (11, 1, "十一、"),
        (20, 1, "二十、"),
        (1, 2, "（一）"),
        (12, 2, "（十二）"),
        (1, 3, "1."),
        (3, 4, "（3）"),
    ],
)
def test_section_number(n: int, level: int, expected: str) -> None:
    """Headings are numbered 一、 （一） 1. （1） by level."""
    assert section_number(n, level) == expected


@pytest.mark.parametrize(("n", "level"), [(0, 1), (1, 0), (1, 5), (-3, 2)])
def test_section_number_rejects(n: int, level: int) -> None:
    """Numbers start at 1 and there are four levels."""
    with pytest.raises(ModelError):
        section_number(n, level)


def test_run_in_marker() -> None:
    """Run-in points read 一是, 二是 or 第一, 第二."""
    assert [run_in_marker(i) for i in (1, 2, 10)] == ["一是", "二是", "十是"]
    assert run_in_marker(1, "di") == "第一"
    with pytest.raises(ModelError):
        run_in_marker(1, "ordinal")  # type: ignore[arg-type]
    with pytest.raises(ModelError):
        run_in_marker(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("两", 2), ("一十一", 11), ("二〇", None), ("一百零五", 105), (" 十 ", 10), ("两千", 2000)],
)
def test_parse_variants(text: str, expected: int | None) -> None:
    """The parser accepts 两, 〇 for 零 and a leading 一十, and only well-formed numerals."""
    if expected is None:
        with pytest.raises(ModelError):
            parse_chinese_numeral(text)
    else:
        assert parse_chinese_numeral(text) == expected


@pytest.mark.parametrize(
    "text", ["", "十十", "百", "一百五", "一二", "万", "三项", "一千零零一", 3]
)
def test_parse_rejects(text: object) -> None:
    """Malformed numerals raise ModelError instead of guessing."""
    with pytest.raises(ModelError):
        parse_chinese_numeral(text)  # type: ignore[arg-type]


@given(st.one_of(st.integers(min_value=0, max_value=99999), st.integers(0, LIMIT - 1)))
def test_numeral_round_trip(n: int) -> None:
    """Every numeral parses back to the number that wrote it."""
    assert parse_chinese_numeral(chinese_numeral(n)) == n


@given(st.integers(min_value=1, max_value=999))
def test_count_round_trip(n: int) -> None:
    """Counts, 两 included, parse back too."""
    assert parse_chinese_numeral(chinese_count(n)) == n

"""Chinese numerals where convention wants them: headings, 一是/二是, fixed phrases.

Counts and measures are Arabic (GB/T 15835); Chinese numerals number sections (一、 十一、),
introduce run-in points (一是, 第一) and stay inside fixed phrases (三项制度, 四个三).
"""

from typing import Final, Literal

from epireport.exceptions import ModelError

__all__ = [
    "chinese_count",
    "chinese_numeral",
    "parse_chinese_numeral",
    "run_in_marker",
    "section_number",
]

_DIGITS: Final = "零一二三四五六七八九"
_DIGIT_VALUE: Final = {ch: i for i, ch in enumerate(_DIGITS)}
_SMALL_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_PLACES: Final = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
LIMIT: Final = 10**12
"""chinese_numeral writes 0 up to, not including, this (9999亿9999万9999 is the largest)."""


def _group(g: int) -> str:
    """Write 1..9999 with inner zeros collapsed to one 零 and trailing zeros dropped."""
    parts: list[str] = []
    zero = False
    for value, unit in _PLACES:
        d = g // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_DIGITS[d] + unit)
    return "".join(parts)


def _build(n: int) -> str:
    if n == 0:
        return "零"
    out: list[str] = []
    pending_zero = False
    for g, unit in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if g == 0:
            pending_zero = bool(out)
            continue
        # 一万零一, 一亿零一万: a gap below the thousands of a group is read as one 零.
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + unit)
        pending_zero = False
    text = "".join(out)
    # 十, 十五, 十万: a leading 一十 drops its 一 (but 一百一十 keeps it).
    return text[1:] if text.startswith("一十") else text


# Headings and run-in markers stay small; a table saves the arithmetic on every call.
_CACHE: Final = tuple(_build(i) for i in range(1000))


def chinese_numeral(n: int) -> str:
    """Write a non-negative integer in Chinese numerals: 十, 十一, 二十, 一百零五, 一千零一, 十万.

    Works from 0 up to 10**12 - 1; raises :class:`~epireport.exceptions.ModelError` outside.
    """
    if type(n) is not int or not 0 <= n < LIMIT:
        raise ModelError(f"chinese_numeral: expected an int from 0 to {LIMIT - 1}, not {n!r}")
    return _CACHE[n] if n < 1000 else _build(n)


def chinese_count(n: int) -> str:
    """Write a count before a measure word: 两 for 2 (两次, 两项), otherwise as chinese_numeral."""
    return "两" if n == 2 and type(n) is int else chinese_numeral(n)


def _check_positive(n: object, where: str) -> int:
    if type(n) is not int or n < 1:
        raise ModelError(f"{where}: expected a positive int, not {n!r}")
    return n


def section_number(n: int, level: int = 1) -> str:
    """Write a heading number per GB/T 9704: 一、 at level 1, （一） at 2, 1. at 3, （1） at 4."""
    _check_positive(n, "section_number.n")
    if level == 1:
        return chinese_numeral(n) + "、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ModelError(f"section_number.level: expected 1 to 4, not {level!r}")


def run_in_marker(n: int, style: Literal["shi", "di"] = "shi") -> str:
    """Mark the n-th run-in point: 一是, 二是 (``shi``) or 第一, 第二 (``di``; caller adds ，)."""
    _check_positive(n, "run_in_marker.n")
    if style == "shi":
        return chinese_numeral(n) + "是"
    if style == "di":
        return "第" + chinese_numeral(n)
    raise ModelError(f"run_in_marker.style: expected 'shi' or 'di', not {style!r}")


def _lenient_value(text: str) -> int:
    """Read the value of well- or ill-formed numerals; parse_chinese_numeral checks the form."""
    yi = wan = section = digit = 0
    for ch in text:
        if ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        elif ch == "万":
            wan = (section + digit) * 10**4
            section = digit = 0
        elif ch == "亿":
            yi = (wan + section + digit) * 10**8
            wan = section = digit = 0
        else:
            raise ModelError(f"parse_chinese_numeral: {ch!r} is not a Chinese numeral in {text!r}")
    return yi + wan + section + digit


def parse_chinese_numeral(text: str) -> int:
    """Read a Chinese numeral back: 十一 → 11, 一百零五 → 105, 两 → 2.

    Accepts what :func:`chinese_numeral` and :func:`chinese_count` write, plus 两 for 二,
    〇 for 零 and a leading 一十. Anything else (十十, 百, 一百五) raises
    :class:`~epireport.exceptions.ModelError`.
    """
    if not isinstance(text, str) or not text.strip():
        raise ModelError(f"parse_chinese_numeral: expected a Chinese numeral, not {text!r}")
    norm = text.strip().replace("两", "二").replace("〇", "零")
    if norm.startswith("一十"):
        norm = norm[1:]
    value = _lenient_value(norm)
    if value >= LIMIT or chinese_numeral(value) != norm:
        raise ModelError(f"parse_chinese_numeral: {text!r} is not a well-formed Chinese numeral")
    return value

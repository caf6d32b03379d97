"""Arabic figures in Chinese prose (GB/T 15835-2011): format, hedge, compare and parse back.

The rules are ours and deliberately hand-written (Babel and cn2an are 10 to 50x slower and do
not know them):

- 万 and 亿 are the only units; a figure is never split across them (no 3亿4500万, no 千万).
- 余/多 mean "more than": they floor and appear only when something was cut off
  (32456 → 3.2万余, 30000 → 3万).
- 近 ceils (32901 → 近3.3万) and 约 rounds half up (32049 → 约3.2万); each appears only when
  the shown figure differs from the value.
- :func:`parse_number` reads any of these back into the :class:`NumberInterval` of values that
  could have produced it, so the linter can check prose against data.

Integers never go through :class:`~decimal.Decimal`: rounding is integer arithmetic on a
coefficient and a power of ten, which keeps the common path fast.
"""

import decimal
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Literal, NamedTuple, Protocol

import attrs

from epireport.exceptions import ModelError

__all__ = [
    "WAN",
    "YI",
    "NumberInterval",
    "format_change",
    "format_multiple",
    "format_number",
    "format_percent",
    "parse_number",
    "significant_step",
]

WAN: Final = 10_000
"""One 万."""

YI: Final = 100_000_000
"""One 亿."""

STYLES: Final = ("exact", "compact", "hedged", "near", "about")
HEDGES: Final = ("余", "多")
MAX_PRECISION: Final = 4

# Wide enough that quantize and divide never overflow or round figures of any real report.
_CTX: Final = decimal.Context(prec=100, rounding=ROUND_HALF_UP, Emax=10**6, Emin=-(10**6))

_FLOOR: Final = 0
_CEIL: Final = 1
_HALF_UP: Final = 2
_MODE_OF_STYLE: Final = {"compact": _HALF_UP, "hedged": _FLOOR, "near": _CEIL, "about": _HALF_UP}


class _StyleLike(Protocol):
    """Anything with a string ``value``, such as the model's ``NumberStyle`` members."""

    @property
    def value(self) -> Any:
        """The style name."""


Number = int | Decimal | float


def _style_name(style: "str | _StyleLike | None", where: str, *, allow_none: bool = False) -> str:
    if style is None and allow_none:
        return ""
    name = style if isinstance(style, str) or style is None else style.value
    if name not in STYLES:
        raise ModelError(f"{where}: style must be one of {', '.join(STYLES)}, not {style!r}")
    return str(name)


def _check_digits(value: object, where: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_PRECISION:
        raise ModelError(
            f"{where}: expected 0 to {MAX_PRECISION} digits after the point, not {value!r}"
        )
    return value


def _to_decimal(value: object, where: str) -> Decimal:
    """Return *value* as a finite Decimal; floats go through ``repr`` so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise ModelError(f"{where}: expected a number, not {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    else:
        raise ModelError(f"{where}: expected an int, Decimal or float, not {value!r}")
    if not result.is_finite():
        raise ModelError(f"{where}: expected a finite number, not {value!r}")
    return result


def _plain(value: Decimal) -> str:
    """Write a Decimal without exponent, thousands separators or trailing fractional zeros."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _coefficient(value: object, where: str) -> tuple[int, int]:
    """Split a non-negative number into ``(m, e)`` with value == m * 10**e and e <= 0."""
    if type(value) is int:
        if value < 0:
            raise ModelError(f"{where}: only the exact style writes negative values, not {value}")
        return value, 0
    dec = _to_decimal(value, where)
    if dec < 0:
        raise ModelError(f"{where}: only the exact style writes negative values, not {value}")
    _, digits, exponent = dec.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    m = int("".join(map(str, digits)) or "0")
    if exponent > 0:
        return m * 10**exponent, 0
    return m, exponent


def _round(m: int, e: int, k: int, mode: int) -> tuple[int, bool]:
    """Round m * 10**e to a multiple of 10**k; return (multiple count, whether anything moved)."""
    shift = e - k
    if shift >= 0:
        return m * 10**shift, False
    step = 10**-shift
    q, r = divmod(m, step)
    if r == 0:
        return q, False
    if mode == _FLOOR:
        return q, True
    if mode == _CEIL:
        return q + 1, True
    return q + (2 * r >= step), True


def _show(q: int, decimals: int) -> str:
    """Write q * 10**-decimals with trailing fractional zeros trimmed (1.20万 → 1.2万)."""
    if decimals == 0:
        return str(q)
    text = str(q).rjust(decimals + 1, "0")
    frac = text[-decimals:].rstrip("0")
    return f"{text[:-decimals]}.{frac}" if frac else text[:-decimals]


def _exact(value: object, where: str) -> str:
    if type(value) is int:
        return str(value)
    return _plain(_to_decimal(value, where))


def _step_exponent(small_step: object, where: str) -> int | None:
    if small_step is None:
        return None
    if type(small_step) is int and small_step >= 10:
        text = str(small_step)
        if text[0] == "1" and text.strip("0") == "1":
            return len(text) - 1
    # A step such as 50 would print 150余 for 175, which reads as (150, 160): powers of ten only.
    raise ModelError(
        f"{where}: small_step must be a power of ten (10, 100, ...), not {small_step!r}"
    )


def significant_step(value: Number, figures: int) -> int | None:
    """The power of ten that keeps *figures* significant figures of *value*'s integer part.

    For ``format_number``'s ``small_step``: with 2 figures 356 → 10 (350多), 3412 → 100
    (3400多); ``None`` when the integer part has no more digits than that (98 stays 98).
    """
    digits = len(str(abs(int(value))))
    return 10 ** (digits - figures) if digits > figures else None


def format_number(
    value: Number,
    style: "str | _StyleLike" = "exact",
    precision: int = 1,
    hedge: str = "余",
    unit_threshold: int = WAN,
    *,
    small_step: int | None = None,
) -> str:
    """Write a figure for Chinese prose in one of five styles.

    ``exact`` writes every digit without separators (12345; Decimal('2.50') → 2.5) and is the
    only style that accepts negative values. The others apply from ``unit_threshold`` on, in 万
    (亿 from 1亿 on) with ``precision`` digits after the point, trailing zeros trimmed:

    - ``compact`` rounds half up: 12345 → 1.2万, 30000 → 3万.
    - ``hedged`` floors and appends ``hedge`` (余 or 多) only when something was cut off:
      32456 → 3.2万余, 32000 → 3.2万.
    - ``near`` ceils and prefixes 近 only when it rounded up: 32901 → 近3.3万.
    - ``about`` rounds half up and prefixes 约 only when inexact: 32049 → 约3.2万.

    Below the threshold the figure is exact, unless ``small_step`` (a power of ten) asks the
    hedged, near and about styles to work at the tens or hundreds (128 → 120余 with step 10).
    ``style`` is a name or anything with a ``.value`` name (the model's ``NumberStyle``).

    Raises :class:`~epireport.exceptions.ModelError` on a bad argument or a negative value in
    any style but exact.
    """
    if style == "exact":
        return _exact(value, "format_number")
    key = (style, type(precision), precision, hedge, type(unit_threshold), unit_threshold,
           type(small_step), small_step)  # fmt: skip
    try:
        opts = _OPTIONS_CACHE[key]
    except (KeyError, TypeError):
        opts = _options(style, precision, hedge, unit_threshold, small_step)
        _remember(key, opts)
    if opts.name == "exact":
        return _exact(value, "format_number")
    if type(value) is int and value >= 0:
        m, e = value, 0
        big = value >= opts.threshold
        yi = value >= YI
    else:
        m, e = _coefficient(value, "format_number")
        big = m >= opts.threshold * 10**-e
        yi = m >= YI * 10**-e
    if m == 0:
        return "0"
    if big:
        precision = opts.precision
        u = 8 if yi else 4
        q, cut = _round(m, e, u - precision, opts.mode)
        if u == 4 and q >= opts.wan_limit:
            # Rounding up reached 10000万: that is 1亿, never a four-digit count of 万.
            u = 8
            q, cut = _round(m, e, u - precision, opts.mode)
        if q == 0:
            # Only a threshold below 万 gets here (0.0万余 would be nonsense): write it exactly.
            return _exact(value, "format_number")
        text = _show(q, precision) + ("万" if u == 4 else "亿")
    else:
        if opts.k_small is None:
            return _exact(value, "format_number")
        q, cut = _round(m, e, opts.k_small, opts.mode)
        if q == 0:
            return _exact(value, "format_number")
        text = str(q) + "0" * opts.k_small
    if cut:
        return opts.prefix + text + opts.suffix
    return text


class _Options(NamedTuple):
    name: str
    mode: int
    precision: int
    threshold: int
    k_small: int | None
    prefix: str
    suffix: str
    wan_limit: int


_OPTIONS_CACHE: dict[object, _Options] = {}


def _remember(key: object, opts: _Options) -> None:
    try:
        if len(_OPTIONS_CACHE) >= 256:
            _OPTIONS_CACHE.clear()
        _OPTIONS_CACHE[key] = opts
    except TypeError:
        pass  # an unhashable style object: validated, just not cached


def _options(
    style: object, precision: object, hedge: object, unit_threshold: object, small_step: object
) -> _Options:
    """Validate the arguments of format_number once per combination (they repeat in a report)."""
    name = _style_name(style, "format_number")  # type: ignore[arg-type]
    if name == "exact":
        return _Options(name, 0, 0, 0, None, "", "", 0)
    _check_digits(precision, "format_number.precision")
    assert isinstance(precision, int)
    if hedge not in HEDGES:
        raise ModelError(f"format_number.hedge: expected 余 or 多, not {hedge!r}")
    if type(unit_threshold) is not int or unit_threshold < 1:
        raise ModelError(
            f"format_number.unit_threshold: expected a positive int, not {unit_threshold!r}"
        )
    k_small = _step_exponent(small_step, "format_number.small_step")
    return _Options(
        name=name,
        mode=_MODE_OF_STYLE[name],
        precision=precision,
        threshold=unit_threshold,
        # compact is exact below the threshold: rounding there would look exact without a mark.
        k_small=None if name == "compact" else k_small,
        prefix={"near": "近", "about": "约"}.get(name, ""),
        suffix=str(hedge) if name == "hedged" else "",
        wan_limit=10 ** (4 + precision),
    )


def format_percent(value: Number, digits: int = 1) -> str:
    """Write a ratio as a percentage, half up, trailing zeros trimmed: 0.125 → 12.5%, 1 → 100%."""
    _check_digits(digits, "format_percent.digits")
    ratio = _to_decimal(value, "format_percent")
    shown = _CTX.multiply(ratio, Decimal(100)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_CTX
    )
    return _plain(shown) + "%"


def _round_to(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_CTX)


def format_change(
    current: Number,
    previous: Number,
    *,
    kind: Literal["count", "rate"] = "count",
    digits: int = 1,
    multiple_at: Number | None = None,
) -> str:
    """Describe the change from ``previous`` to ``current`` the way a work summary does.

    Counts (``kind="count"``): 增长12.5%, 下降3.2%, 持平 when the shown change rounds to zero,
    新增 from a zero base (持平 when both are zero). With ``multiple_at`` (say 2), a count that
    reached that multiple of its base is written with :func:`format_multiple` (增加到3倍).
    Decreases are always percentages: never 降低N倍.

    Rates (``kind="rate"``) take both values in percent (85.0 and 95.0) and compare them in
    percentage points: 提高10个百分点, 降低2.5个百分点, 持平.
    """
    _check_digits(digits, "format_change.digits")
    cur = _to_decimal(current, "format_change.current")
    prev = _to_decimal(previous, "format_change.previous")
    if kind == "rate":
        points = _round_to(cur - prev, digits)
        if points == 0:
            return "持平"
        return f"{'提高' if points > 0 else '降低'}{_plain(abs(points))}个百分点"
    if kind != "count":
        raise ModelError(f"format_change.kind: expected 'count' or 'rate', not {kind!r}")
    if cur < 0 or prev < 0:
        raise ModelError(
            f"format_change: counts are never negative, not current={current!r}, "
            f"previous={previous!r}"
        )
    if prev == 0:
        return "持平" if cur == 0 else "新增"
    if multiple_at is not None:
        at = _to_decimal(multiple_at, "format_change.multiple_at")
        if at <= 1:
            raise ModelError(f"format_change.multiple_at: expected more than 1, not {at}")
        if cur >= at * prev:
            return format_multiple(cur, prev, form="to", digits=digits)
    pct = _round_to(_CTX.divide(_CTX.multiply(cur - prev, Decimal(100)), prev), digits)
    if pct == 0:
        return "持平"
    return f"{'增长' if pct > 0 else '下降'}{_plain(abs(pct))}%"


def format_multiple(
    current: Number,
    previous: Number,
    *,
    form: Literal["to", "by"] = "to",
    digits: int = 1,
) -> str:
    """Write growth as a multiple, keeping 到 and 了 apart: 10 → 30 is 增加到3倍 or 增加了2倍.

    ``form="to"`` gives current/previous (增加到N倍), ``form="by"`` gives current/previous - 1
    (增加了N倍). Only increases can be multiples: a decrease, a zero base, or a multiple that
    rounds to nothing (增加了0倍) raises :class:`~epireport.exceptions.ModelError`.
    """
    _check_digits(digits, "format_multiple.digits")
    if form not in ("to", "by"):
        raise ModelError(f"format_multiple.form: expected 'to' or 'by', not {form!r}")
    cur = _to_decimal(current, "format_multiple.current")
    prev = _to_decimal(previous, "format_multiple.previous")
    if prev <= 0:
        raise ModelError(f"format_multiple.previous: a multiple needs a positive base, not {prev}")
    if cur <= prev:
        raise ModelError(
            f"format_multiple: {cur} is not more than {prev}; a decrease is written as a "
            "percentage (下降N%), never 降低N倍"
        )
    ratio = _CTX.divide(cur, prev)
    if form == "to":
        shown = _round_to(ratio, digits)
        if shown <= 1:
            raise ModelError(f"format_multiple: {cur}/{prev} shows as {shown}倍; use a percentage")
        return f"增加到{_plain(shown)}倍"
    shown = _round_to(ratio - 1, digits)
    if shown <= 0:
        raise ModelError(f"format_multiple: {cur}/{prev} - 1 shows as {shown}倍; use a percentage")
    return f"增加了{_plain(shown)}倍"


def _bound(value: object) -> Decimal:
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except decimal.InvalidOperation:
            raise ModelError(f"NumberInterval: a bound must be a number, not {value!r}") from None
    return _to_decimal(value, "NumberInterval bound")


def _check_bounds(
    instance: "NumberInterval", attribute: "attrs.Attribute[Any]", value: Any
) -> None:
    # Runs on the last field, once every field is set, so it can compare them all.
    high, low = instance.high, instance.low
    if high < low:
        raise ModelError(f"NumberInterval.high: {high} is below low {low}")
    if high == low and not (instance.low_closed and instance.high_closed):
        raise ModelError(f"NumberInterval.high: the interval at {high} must be closed, or empty")


def _check_bool(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    if type(value) is not bool:
        raise ModelError(f"NumberInterval.{attribute.name}: expected True or False, not {value!r}")


@attrs.frozen
class NumberInterval:
    """The values a written figure stands for: 3.2万余 is the interval (32000, 33000).

    ``low`` and ``high`` are Decimals; ``low_closed`` and ``high_closed`` say whether each end
    belongs to the interval. An exact figure is the point ``[x, x]``. ``value in interval``
    accepts ints, Decimals and floats.
    """

    low: Decimal = attrs.field(converter=_bound)
    high: Decimal = attrs.field(converter=_bound)
    low_closed: bool = attrs.field(default=True, validator=_check_bool)
    high_closed: bool = attrs.field(default=False, validator=[_check_bool, _check_bounds])

    @classmethod
    def point(cls, value: Number) -> "NumberInterval":
        """Return the interval holding exactly ``value``."""
        return cls(value, value, True, True)

    @property
    def is_exact(self) -> bool:
        """Whether the figure stands for one value only."""
        return self.low == self.high

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
            return False
        above = value >= self.low if self.low_closed else value > self.low
        below = value <= self.high if self.high_closed else value < self.high
        return above and below

    def __str__(self) -> str:
        if self.is_exact:
            return f"[{_plain(self.low)}]"
        return (
            f"{'[' if self.low_closed else '('}{_plain(self.low)}, "
            f"{_plain(self.high)}{']' if self.high_closed else ')'}"
        )


_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．，％－−", "0123456789.,%--")
_FIGURE_RE: Final = re.compile(
    r"(?P<prefix>[近约])?(?P<sign>-)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<pre>[余多])(?=[万亿]))?(?P<unit>[万亿])?(?P<hedge>[余多])?(?P<pct>%)?"
)
_UNIT_VALUE: Final = {"万": Decimal(WAN), "亿": Decimal(YI), None: Decimal(1)}


def _trailing_zeros(digits: str) -> int:
    return len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0


def parse_number(text: str, style: "str | _StyleLike | None" = None) -> NumberInterval:
    """Read a figure as written by :func:`format_number` or :func:`format_percent`.

    Returns the :class:`NumberInterval` of values that could have produced it. The last shown
    digit sets the step: 3.2万 steps by 0.1万, 3万 by 1万, 120 (without a unit) by 10.

    - ``3.2万余`` → (32000, 33000); ``30余万`` → (300000, 400000); ``120余`` → (120, 130).
    - ``近3.3万`` → (32900, 33000]; ``约3.2万`` → [31950, 32050).
    - ``12345`` → [12345, 12345]; a bare ``3.2万`` is a rounded (compact) figure,
      [31950, 32050), unless ``style`` names a style that writes bare units only for exact
      values (exact, hedged, near, about), which makes it the point 32000.
    - ``12.5%`` is a ratio rounded half up: [0.1245, 0.1255); the point 0.125 with ``style``
      exact.

    Full-width digits and ``1,234`` separators are accepted. Malformed text (万余万, 3亿4500万,
    千万, 约3万余) raises :class:`~epireport.exceptions.ModelError`.
    """
    name = _style_name(style, "parse_number", allow_none=True)
    if not isinstance(text, str):
        raise ModelError(f"parse_number: expected text, not {text!r}")
    cleaned = "".join(text.translate(_FULL_WIDTH).split())
    match = _FIGURE_RE.fullmatch(cleaned)
    if match is None:
        raise ModelError(f"parse_number: cannot read {text!r} as a figure (GB/T 15835)")
    prefix, sign, pre, unit, hedge, pct = match.group(
        "prefix", "sign", "pre", "unit", "hedge", "pct"
    )
    num = match["num"].replace(",", "")
    whole, _, frac = num.partition(".")
    hedge = pre or hedge
    if (pre and match["hedge"]) or (hedge and (prefix or pct)) or (unit and pct):
        raise ModelError(f"parse_number: {text!r} mixes markers that cannot go together")
    if pre and frac:
        raise ModelError(f"parse_number: {text!r}: 余 before the unit needs a whole number")
    if sign and (prefix or hedge or unit):
        raise ModelError(f"parse_number: {text!r}: only an exact figure can be negative")
    scale = _UNIT_VALUE[unit]
    x = Decimal(num) * scale
    if pct:
        step = Decimal(1).scaleb(-len(frac))
    elif pre:
        step = Decimal(1).scaleb(_trailing_zeros(whole)) * scale
    elif unit or frac:
        step = Decimal(1).scaleb(-len(frac)) * scale
    else:
        step = Decimal(1).scaleb(_trailing_zeros(whole))
    if sign:
        x = -x
    if hedge:
        result = NumberInterval(x, x + step, False, False)
    elif prefix == "近":
        result = NumberInterval(x - step, x, False, True)
    elif prefix == "约" or ((unit or pct) and name in ("", "compact")) or (pct and name != "exact"):
        half = step / 2
        # Half up rounds ties away from zero, so a negative figure's interval is mirrored.
        if sign:
            result = NumberInterval(x - half, x + half, False, True)
        else:
            result = NumberInterval(x - half, x + half, True, False)
    else:
        result = NumberInterval(x, x, True, True)
    if pct:
        hundred = Decimal(100)
        return NumberInterval(
            result.low / hundred, result.high / hundred, result.low_closed, result.high_closed
        )
    return result

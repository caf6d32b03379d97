"""Expressions of validation rules: arithmetic over indicator codes and numbers, parsed safely.

An expression such as ``fever + cough``, ``screened * 2`` or ``(a - b) / 2`` is parsed with
:mod:`ast` into a small tree of :class:`Expression` nodes and evaluated by walking that tree:
nothing is ever passed to ``eval``. Allowed: numbers, indicator codes, ``+ - * /``, unary minus
and parentheses. A code that is not a Python identifier (``jd-03``, ``a.b``) is written in
braces: ``{jd-03} + 1``.
"""

import ast
import functools
import re
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation

import attrs

from epireport.exceptions import ModelError

__all__ = ["Expression", "UndefinedError", "parse_expression"]

_BRACED = re.compile(r"\{([^{}\s]+)\}")
_PLACEHOLDER = "__code_{}__"
_MAX_LENGTH = 2000


class UndefinedError(ArithmeticError):
    """An expression has no value: it divides by zero."""


@attrs.frozen
class Expression:
    """A parsed expression: ``op`` is ``num``, ``code``, ``neg``, ``+``, ``-``, ``*`` or ``/``.

    ``value`` holds the number of a ``num`` node and the indicator code of a ``code`` node;
    ``args`` the operands of the others. ``text`` is the source the expression was parsed from.
    """

    op: str
    value: Decimal | str | None = None
    args: tuple["Expression", ...] = ()
    text: str = attrs.field(default="", eq=False)

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        """Every indicator code the expression reads (worked out once)."""
        if self.op == "code":
            assert isinstance(self.value, str)
            return frozenset((self.value,))
        found: frozenset[str] = frozenset()
        for arg in self.args:
            found |= arg.codes
        return found

    def evaluate(self, lookup: Callable[[str], Decimal]) -> Decimal:
        """Compute the value, reading codes through *lookup*; :class:`UndefinedError` on x/0."""
        op = self.op
        if op == "num":
            assert isinstance(self.value, Decimal)
            return self.value
        if op == "code":
            assert isinstance(self.value, str)
            return lookup(self.value)
        if op == "neg":
            return -self.args[0].evaluate(lookup)
        left = self.args[0].evaluate(lookup)
        right = self.args[1].evaluate(lookup)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if right == 0:
            raise UndefinedError(f"{self.text or op}: division by zero")
        try:
            return left / right
        except (DivisionByZero, InvalidOperation) as exc:  # pragma: no cover - guarded above
            raise UndefinedError(str(exc)) from None


_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _convert(node: ast.AST, names: dict[str, str], text: str) -> Expression:
    if isinstance(node, ast.Expression):
        return _convert(node.body, names, text)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ModelError(f"expression {text!r}: {value!r} is not a number")
        # ast reads 0.1 as a float; its repr gives back the digits as written.
        return Expression(
            "num", Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        )
    if isinstance(node, ast.Name):
        return Expression("code", names.get(node.id, node.id))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, names, text)
        return operand if isinstance(node.op, ast.UAdd) else Expression("neg", args=(operand,))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return Expression(
            _BINARY[type(node.op)],
            args=(_convert(node.left, names, text), _convert(node.right, names, text)),
        )
    shown = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
    raise ModelError(
        f"expression {text!r}: {shown!r} is not allowed; use numbers, indicator codes, "
        "+ - * / and parentheses"
    )


@functools.lru_cache(maxsize=1024)
def parse_expression(text: str) -> Expression:
    """Parse *text* into an :class:`Expression`; :class:`ModelError` saying what is wrong.

    Only syntax is checked here; whether the codes exist is checked against an indicator set
    (:func:`epireport.aggregate._validate.check_rules`).
    """
    if not isinstance(text, str) or not text.strip():
        raise ModelError(f"expression: expected arithmetic over indicator codes, got {text!r}")
    if len(text) > _MAX_LENGTH:
        # ast.parse recurses: a pathological input must not exhaust the stack.
        raise ModelError(f"expression: longer than {_MAX_LENGTH} characters: {text[:40]!r}...")
    names: dict[str, str] = {}

    def hide(match: re.Match[str]) -> str:
        name = _PLACEHOLDER.format(len(names))
        names[name] = match.group(1)
        return name

    source = _BRACED.sub(hide, text.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ModelError(
            f"expression {text!r}: not valid arithmetic ({exc.msg}); write codes that are not "
            "identifiers in braces, e.g. {jd-03}"
        ) from None
    parsed = _convert(tree, names, text)
    return attrs.evolve(parsed, text=text.strip())

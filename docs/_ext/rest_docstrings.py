"""A griffe extension: read epireport's reST-flavoured docstrings as Markdown.

The project's docstrings are written for people reading the source (and for Sphinx habits):
``:class:`~epireport.model.Period``` roles, ``literal blocks::`` introduced by a double colon,
``>>>`` doctests and, in :mod:`epireport.hookspecs`, ``Called:``/``Returns:``/``Results:``/
``Example:`` paragraphs followed by an indented block. mkdocstrings renders docstrings as
Markdown, where all of these come out mangled, so this extension rewrites them once, when griffe
loads an object:

- a role becomes a cross-reference to its target, shown as inline code (``~`` keeps only the
  last part): a link when the target is documented on some page of the site (mkdocs-autorefs
  resolves it, on this page or another), plain code otherwise (the standard library, private
  modules). Names are resolved as Python would from the docstring's scope (``:class:`Batch```
  in a module that imports ``Batch``), so every spelling of one object reaches its one page;
- a literal block (``::``), an ``Example:`` block and a doctest become fenced code;
- ``Called:``, ``Returns:`` and ``Results:`` blocks become a bold label and a paragraph;
- a reST section underline (``Load order`` over ``----------``) becomes a bold line.

Loaded by mkdocs.yml (``extensions: [docs/_ext/rest_docstrings.py]``); not part of epireport.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|data|mod|exc|obj|const|ref):`(~?)([^`]+)`")
_UNDERLINE = re.compile(r"^(-{3,}|={3,}|~{3,})$")
_LABELS = ("Called", "Returns", "Results")
_CODE_LABELS = ("Example", "Examples")


Resolver = Callable[[str], "str | None"]


def _role(match: re.Match[str], resolve: Resolver | None) -> str:
    tilde, target = match.groups()
    target = target.split("<")[-1].rstrip(">").strip()  # `text <target>` keeps the target
    title = target.rsplit(".", 1)[-1] if tilde else target
    path = resolve(target) if resolve is not None else None
    if path is None or not (path == "epireport" or path.startswith("epireport.")):
        return f"`{title}`"
    # An optional autoref: a link when the target is rendered on some page, else plain code
    # (autorefs reports nothing for it), so a docstring naming a private helper cannot break
    # the strict build; tests/test_docs_reference.py checks the public ones all link.
    return (
        f'<autoref identifier="{html.escape(path)}" optional>'
        f"<code>{html.escape(title)}</code></autoref>"
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _take_block(lines: list[str], start: int, base: int) -> tuple[list[str], int]:
    """Return the lines indented deeper than *base* from *start* (blank lines included)."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > base):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end], end


def _fence(block: list[str], language: str) -> list[str]:
    code = textwrap.dedent("\n".join(block)).strip("\n")
    return ["", f"```{language}", *code.splitlines(), "```", ""]


def convert(text: str, resolve: Resolver | None = None) -> str:
    """Rewrite one docstring from the project's reST-ish style to Markdown.

    *resolve* maps a role's target to the full path of the object it names, or ``None``;
    without it every role becomes plain inline code.
    """
    text = _ROLE.sub(lambda match: _role(match, resolve), text)
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        base = _indent(line)
        label = stripped[:-1] if stripped.endswith(":") else ""
        if stripped.startswith(">>>"):
            block, i = _take_block(lines, i + 1, base - 1)
            out.extend(_fence([line, *block], "pycon"))
            continue
        if label in _CODE_LABELS:
            block, i = _take_block(lines, i + 1, base)
            out.append(f"**{label}:**")
            out.extend(_fence(block, "python"))
            continue
        if label in _LABELS:
            block, i = _take_block(lines, i + 1, base)
            body = " ".join(part.strip() for part in block)
            out.extend([f"**{label}:** {body}", ""])
            continue
        if stripped.endswith("::") and not stripped.startswith("..") and i + 1 < len(lines):
            block, end = _take_block(lines, i + 1, base)
            if any(part.strip() for part in block):
                head = line.rstrip()[:-2].rstrip()
                out.append(head + ":" if head.strip() else "")
                out.extend(_fence(block, "text"))
                i = end
                continue
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if stripped and _UNDERLINE.match(underline) and len(underline) >= len(stripped):
            out.extend(["", f"**{stripped}**", ""])
            i += 2
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _resolver(obj: griffe.Object) -> Resolver:
    """Resolve role targets as seen from *obj*: full paths as written, others in its scope."""

    def resolve(target: str) -> str | None:
        first, dot, rest = target.partition(".")
        if first == "epireport":
            return target
        try:
            path = obj.resolve(first)
        except Exception:  # griffe's NameResolutionError, or an alias it cannot follow
            return None
        return path + dot + rest

    return resolve


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


class RestDocstrings(griffe.Extension):
    """Convert every docstring griffe loads (see the module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite every docstring of the package once it is loaded (imports are known then)."""
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value, _resolver(obj))

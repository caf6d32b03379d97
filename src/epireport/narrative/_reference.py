"""The template reference: every global, filter and test a template can use, from the environment.

The reference is the contract between epireport and template authors. It is generated, not
written: :func:`template_api` introspects an environment built by
:func:`~epireport.narrative._environment.build_environment` (with the built-in plugins'
``epireport_prepare_environment``), keeps what a plain :class:`jinja2.Environment` does not
have, and reads each callable's signature and docstring. So a function added to the environment
shows up in the reference by itself, and ``tests/narrative/test_template_reference.py`` fails
until it has a docstring, a group below and its entry in ``docs/reference/templates.md``.

:func:`template_reference` writes the page (Markdown, for the documentation site) or the same
text for a terminal (``epireport plugins --template-api``). The render context (``report``,
``unit``, ``narrative`` ...) is read from the docstring of :mod:`epireport.narrative._compose`,
which builds it.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from typing import Any, Final, Literal

import attrs
import jinja2

__all__ = [
    "GROUPS",
    "TemplateName",
    "jinja2_builtins",
    "reference_environment",
    "template_api",
    "template_reference",
]

Kind = Literal["global", "filter", "test"]

#: The groups of the reference, in page order: (title, introduction, members as (kind, name)).
GROUPS: Final[tuple[tuple[str, str, tuple[tuple[Kind, str], ...]], ...]] = (
    (
        "Figures",
        "An indicator's figure, written with its fact attached so the linter can trace it.",
        (
            ("global", "figure"),
            ("global", "value"),
            ("global", "has"),
            ("global", "fact"),
            ("global", "change"),
        ),
    ),
    (
        "Counts and lists",
        "Enumerations of figures, and counts the template works out itself.",
        (
            ("global", "count_list"),
            ("global", "tally"),
            ("global", "breakdown"),
            ("global", "items"),
            ("filter", "join_items"),
            ("filter", "join"),
        ),
    ),
    (
        "Completeness",
        "How many units reported, on time or not.",
        (("global", "coverage_phrase"),),
    ),
    (
        "Measures and narrative inputs",
        "Measures by code; narrative inputs are read from the context as ``narrative.<code>``.",
        (("global", "measure"),),
    ),
    (
        "Numbers and numerals",
        "Numbers for Chinese prose (GB/T 15835) and Chinese numerals.",
        (
            ("global", "format_number"),
            ("filter", "number"),
            ("global", "format_percent"),
            ("filter", "percent"),
            ("global", "format_change"),
            ("global", "chinese_numeral"),
            ("filter", "cn"),
            ("global", "chinese_count"),
            ("filter", "cn_count"),
        ),
    ),
    (
        "Dates and names",
        "Dates, periods and the disease's official name.",
        (
            ("global", "format_date"),
            ("filter", "date"),
            ("global", "format_date_range"),
            ("filter", "date_range"),
            ("global", "format_as_of"),
            ("filter", "as_of"),
            ("global", "weekday"),
            ("filter", "weekday"),
            ("filter", "period_label"),
            ("global", "disease_name"),
        ),
    ),
    (
        "Text helpers",
        "Wording that varies between reports, and document titles.",
        (
            ("global", "variant"),
            ("filter", "book_titles"),
        ),
    ),
)

_UNGROUPED: Final = "Not yet grouped"
_GROUP_OF: Final = {member: title for title, _, members in GROUPS for member in members}
_KINDS: Final[tuple[Kind, ...]] = ("global", "filter", "test")
_ATTRIBUTES: Final[dict[Kind, str]] = {"global": "globals", "filter": "filters", "test": "tests"}
_KIND_ORDER: Final = {kind: i for i, kind in enumerate(_KINDS)}
_NO_DOCSTRING: Final = "(no docstring)"


@attrs.frozen
class TemplateName:
    """One global, filter or test of the template environment, as the reference shows it.

    *signature* is how a template writes it (``figure(code, unit=None, ...)``,
    ``value | date(*, with_year=True)``, ``value is name(...)``); *summary* the first paragraph
    of its docstring (``''`` without one); *modes* the docstring's sentences on draft and
    final mode; *group* the title of its group in :data:`GROUPS`.
    """

    kind: Kind
    name: str
    signature: str
    summary: str
    modes: str
    group: str


def reference_environment() -> jinja2.Environment:
    """Build the environment the reference describes: epireport's, with built-in plugins only."""
    from epireport._plugins import Plugins
    from epireport.narrative._environment import build_environment

    plugins = Plugins.create(autoload=False)
    return build_environment(
        jinja2.DictLoader({}), prepare=lambda env: plugins.prepare_environment(env, None)
    )


def _own(env: jinja2.Environment, kind: Kind) -> Iterator[tuple[str, Any]]:
    attribute = _ATTRIBUTES[kind]
    plain: dict[str, Any] = getattr(jinja2.Environment(), attribute)
    for name, obj in getattr(env, attribute).items():
        if name not in plain or plain[name] is not obj:
            yield name, obj


def jinja2_builtins(env: jinja2.Environment | None = None) -> dict[Kind, list[str]]:
    """Return the names of Jinja2's own globals, filters and tests that *env* keeps, sorted."""
    env = env if env is not None else reference_environment()
    result: dict[Kind, list[str]] = {}
    for kind in _KINDS:
        attribute = _ATTRIBUTES[kind]
        plain: dict[str, Any] = getattr(jinja2.Environment(), attribute)
        ours: dict[str, Any] = getattr(env, attribute)
        result[kind] = sorted(n for n, obj in plain.items() if ours.get(n) is obj)
    return result


def _plain_rest(text: str) -> str:
    # reST roles and literals as Markdown inline code: :func:`~a.b` -> `b`, ``x`` -> `x`.
    text = re.sub(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`", r"`\1`", text)
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _paragraphs(doc: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", doc) if p.strip()]


_SENTENCE = re.compile(r"(?<=[.;:])\s+(?=[A-Z`*(])")
# "draft" anywhere; "final" only as the mode (not "the final two items").
_MODE = re.compile(r"\bdraft\b|\bfinal (?:mode|report)", re.IGNORECASE)


def _describe(obj: Any) -> tuple[str, str]:
    doc = inspect.getdoc(obj) or ""
    paragraphs = [_plain_rest(p) for p in _paragraphs(doc)]
    if not paragraphs:
        return "", ""
    modes = [
        sentence
        for paragraph in paragraphs
        for sentence in _SENTENCE.split(paragraph)
        if _MODE.search(sentence) and sentence not in paragraphs[0]
    ]
    return paragraphs[0], " ".join(modes)


def _parameters(obj: Callable[..., Any], skip_first: bool) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "..."
    params = list(signature.parameters.values())
    if getattr(obj, "jinja_pass_arg", None) is not None:
        params = params[1:]  # the context Jinja2 passes itself
    if skip_first and params:
        params = params[1:]  # the value before | or is
    stripped = [p.replace(annotation=inspect.Parameter.empty) for p in params]
    return str(signature.replace(parameters=stripped, return_annotation=inspect.Signature.empty))


def _signature(kind: Kind, name: str, obj: Any) -> str:
    if not callable(obj):
        return name
    if kind == "global":
        return f"{name}{_parameters(obj, skip_first=False)}"
    rest = _parameters(obj, skip_first=True)
    operator = "|" if kind == "filter" else "is"
    return f"value {operator} {name}" + ("" if rest == "()" else rest)


def template_api(env: jinja2.Environment | None = None) -> list[TemplateName]:
    """Return every global, filter and test *env* adds to Jinja2's own, in reference order.

    *env* defaults to :func:`reference_environment`. A name that replaces one of Jinja2's
    (the ``join`` filter) counts as epireport's. Names missing from :data:`GROUPS` come last,
    in the group ``Not yet grouped``.
    """
    env = env if env is not None else reference_environment()
    found: list[TemplateName] = []
    for kind in _KINDS:
        for name, obj in _own(env, kind):
            summary, modes = _describe(obj)
            found.append(
                TemplateName(
                    kind=kind,
                    name=name,
                    signature=_signature(kind, name, obj),
                    summary=summary,
                    modes=modes,
                    group=_GROUP_OF.get((kind, name), _UNGROUPED),
                )
            )
    order = {member: i for i, member in enumerate(_GROUP_OF)}
    return sorted(
        found,
        key=lambda t: (
            order.get((t.kind, t.name), len(order)),
            _KIND_ORDER[t.kind],
            t.name,
        ),
    )


def _context_variables() -> list[tuple[str, str]]:
    # The definition list "The template context holds:" of the module that builds the context.
    from epireport.narrative import _compose

    doc = inspect.getdoc(_compose) or ""
    _, _, rest = doc.partition("The template context holds:")
    entries: list[tuple[str, list[str]]] = []
    for line in rest.strip("\n").splitlines():
        if line.startswith("``"):
            entries.append((line.strip(), []))
        elif line.startswith("    ") and entries:
            entries[-1][1].append(line.strip())
        elif line.strip():
            break
    return [(_plain_rest(term), _plain_rest(" ".join(lines))) for term, lines in entries]


_TITLE: Final = "Template reference"
_INTRO: Final = (
    "Every global, filter and test that epireport's Jinja2 environment gives a report "
    "template, grouped by purpose: the contract between epireport and template authors. "
    "Each entry shows how a template writes it, the first paragraph of its docstring and, "
    "where the docstring says, what it does in draft and in final mode. The page is "
    "generated from the environment itself (`epireport.narrative.template_reference`); "
    "`epireport plugins --template-api` prints the same reference in a terminal. Plugins may "
    "add their own helpers in `epireport_prepare_environment`; those are documented by the "
    "plugin."
)


def _heading(entry: TemplateName) -> str:
    if entry.kind == "global":
        return f"{entry.name}()" if "(" in entry.signature else entry.name
    return f"| {entry.name}" if entry.kind == "filter" else f"is {entry.name}"


def _markdown(entries: list[TemplateName], builtins: dict[Kind, list[str]]) -> str:
    lines = [
        f"# {_TITLE}",
        "",
        "<!-- Generated from the template environment by epireport.narrative.template_reference;",
        "     regenerate with: python tests/narrative/test_template_reference.py -->",
        "",
        _INTRO,
        "",
        "## The render context",
        "",
        "Variables every report template is rendered with:",
        "",
    ]
    for term, description in _context_variables():
        lines += [term, f":   {description}", ""]
    for title, intro in _group_titles(entries):
        lines += [f"## {title}", "", intro, ""]
        for entry in (e for e in entries if e.group == title):
            lines += [f"### `{_heading(entry)}`", "", f"`{entry.signature}` ({entry.kind})", ""]
            lines += [entry.summary or f"*{_NO_DOCSTRING}*", ""]
            if entry.modes:
                lines += [f"**Draft and final:** {entry.modes}", ""]
    lines += [
        "## Jinja2 built-ins",
        "",
        "Jinja2's own helpers are there too, as its "
        "[template designer documentation](https://jinja.palletsprojects.com/en/stable/templates/)"
        " describes them.",
        "",
    ]
    for kind, names in builtins.items():
        lines += [f"- {kind.capitalize()}s: " + (", ".join(f"`{n}`" for n in names) or "none")]
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str = "", *, hang: str | None = None, width: int = 96) -> str:
    return textwrap.fill(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else hang,
        break_on_hyphens=False,
    )


def _text(entries: list[TemplateName], builtins: dict[Kind, list[str]]) -> str:
    lines = [_TITLE, "=" * len(_TITLE), "", _wrap(_INTRO), "", "The render context", "-" * 18]
    for term, description in _context_variables():
        lines += [f"  {term}", _wrap(description, " " * 6)]
    for title, intro in _group_titles(entries):
        lines += ["", title, "-" * len(title), _wrap(intro), ""]
        for entry in (e for e in entries if e.group == title):
            lines += [f"  {entry.signature}    [{entry.kind}]"]
            lines += [_wrap(entry.summary or _NO_DOCSTRING, " " * 6)]
            if entry.modes:
                lines += [_wrap(f"Draft and final: {entry.modes}", " " * 6)]
    lines += ["", "Jinja2 built-ins", "-" * 16]
    for kind, names in builtins.items():
        lines += [_wrap(f"{kind}s: " + (", ".join(names) or "none"), "  ", hang="    ")]
    return "\n".join(lines) + "\n"


def _group_titles(entries: list[TemplateName]) -> Iterator[tuple[str, str]]:
    for title, intro, _ in GROUPS:
        if any(e.group == title for e in entries):
            yield title, _plain_rest(intro)
    if any(e.group == _UNGROUPED for e in entries):
        yield _UNGROUPED, "Names of the environment that no group of the reference lists yet."


def template_reference(
    env: jinja2.Environment | None = None, *, form: Literal["markdown", "text"] = "markdown"
) -> str:
    """Write the template reference: every global, filter and test of *env*, by purpose.

    *env* defaults to epireport's environment with the built-in plugins. ``form="markdown"``
    gives the page ``docs/reference/templates.md``; ``form="text"`` the plain text that
    ``epireport plugins --template-api`` prints.
    """
    env = env if env is not None else reference_environment()
    entries = template_api(env)
    builtins = jinja2_builtins(env)
    return _markdown(entries, builtins) if form == "markdown" else _text(entries, builtins)

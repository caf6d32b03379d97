"""The Jinja2 environment templates are rendered in, and the load-time check of their references.

Settings, and why
-----------------
- ``StrictUndefined``: a misspelled variable is an error, never a blank in a report.
- ``trim_blocks`` and ``lstrip_blocks``: block tags take no room, so templates can be indented
  and commented freely without stray blank lines or spaces in the markup. The flip side: the
  line break right after a tag is eaten, so put ``{% block %}`` and ``{% endblock %}`` on lines
  of their own; ``……。{% endblock %}`` at the end of a line joins it to the next one.
- Autoescape by output format: on for templates named ``*.html``, ``*.htm`` and ``*.xml``, off
  for everything else, including the ``*.md.j2`` report templates. Report templates produce the
  plain-text markup of :mod:`epireport.narrative._markup`, which is parsed into a document tree;
  escaping there would put ``&amp;`` into the prose. HTML escaping happens once, in the HTML
  renderer, where the tree is drawn as HTML.
- Deterministic: nothing random is exposed. ``variant(seed_key, [...])`` chooses wording by a
  stable hash of the key and the report's id.
- Whitespace control never joins a line to a heading, fence or directive above it: a tag
  that opens a line with ``{%-`` (or ``{{-``, ``{#-``) after a ``## 标题``, ``::: …`` or
  ``@…`` line loses its ``-`` when the template is loaded. Those lines are whole lines of the
  markup; joined, ``## 消毒工作情况`` and the sentence after it became one heading with an
  empty section, which disappeared. Joining a paragraph or an item to the line before it
  (``{%- if … %}，另有……``) still works as in Jinja2.
- Expression output never spans lines (``finalize`` joins them): the line structure of the
  markup is the template's own, so no inserted value can start a heading or an item.
- Templates never see a marker (:mod:`epireport.narrative._markers`). Figures are
  :class:`~epireport.narrative._markers.MarkedText` values whose string is the visible text;
  ``finalize`` writes their markers when they are printed, ``~`` (a code generator of our own),
  ``+`` and ``| join`` keep them, and captured output (``{% set %}`` blocks, macros,
  ``caller()``, ``super()``) comes back as marked text through the environment's ``concat``.
  So ``| length``, slicing and every filter count and cut visible characters. A filter that
  makes new text of a figure (``| upper``, ``| replace``, ``[:2]``) gives plain text without
  its fact: the linter's ``--data`` check then no longer finds it as a figure with a value.
- Words and numbers a template prints (``{{ unit }}``, ``{{ day }}``: neutral text, see
  :func:`~epireport.narrative._markup.is_neutral`) travel in invisible slot markers through the
  markup of a report template (not in autoescaped templates), so that the markup's *shape*,
  what the template wrote itself, is the same for every unit; compiled plans
  (:mod:`epireport.narrative._compiled`) parse each shape once.
- ``Template.render`` returns the markup stream itself (markers included), for
  :func:`~epireport.narrative._markup.parse_markup`.
- ``auto_reload=False``: each template is compiled once per environment, and environments are
  cached per :class:`~epireport._plugins.Plugins` object and institution
  (:func:`environment_for`).
- A template's globals are a plain dict, the environment's globals as they are when the
  template is loaded (Jinja2 itself advises against changing globals after that; plugins
  add theirs in ``epireport_prepare_environment``, before any template loads). Jinja2's
  default, a ``ChainMap`` over the environment's globals, is copied key by key in Python
  at every render.
- Sandboxed mode (:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`) for templates that do
  not come from a plugin's code, e.g. uploaded by a user: a :class:`TemplateSource` with
  ``sandboxed=True``. A render is sandboxed when any template it uses (the main one, what it
  extends, includes or imports) comes from such a source.

Override precedence
-------------------
The loader is :meth:`Plugins.template_loader`: a template name is looked up in the sources
from the highest ``priority`` down, ties going to the plugin loaded later; the first source that
has the name wins. ``<source>::<name>`` reaches one source only, so an override can extend the
template it replaces and redefine a single block::

    {% extends "district-publicity::district-publicity/report.md.j2" %}
    {% block next_steps %}……{% endblock %}

Reference check
---------------
:func:`check_template_references` parses a template and everything it extends, includes or
imports, and checks every figure function called with constant arguments (``figure("leaflets")``,
``count_list(["billboards", ...])``) against the institution's indicators, and every
``narrative.<name>`` against its declared narrative inputs. A misspelled code is a
:class:`~epireport.exceptions.TemplateError` naming the template, the line and the code.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import inspect
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from types import FunctionType
from typing import Any, Final

import attrs
import jinja2
import jinja2.compiler
import jinja2.ext
import jinja2.filters
import jinja2.meta
import jinja2.nodes as nodes
import jinja2.runtime
import jinja2.sandbox
import jinja2.utils

from epireport._plugins import Plugins
from epireport.exceptions import TemplateError
from epireport.model._indicators import Indicator
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.narrative import _figures
from epireport.narrative._compiled import ShapeCache
from epireport.narrative._dates import format_as_of, format_date, format_date_range, weekday
from epireport.narrative._figures import _MANY_OPENERS, _OPENERS, _STATE, FigureText
from epireport.narrative._markers import (
    MarkedText,
    concat,
    join,
    join_values,
    markup_of,
    slot,
)
from epireport.narrative._markup import is_neutral
from epireport.narrative._numbers import format_change, format_number, format_percent
from epireport.narrative._numerals import chinese_count, chinese_numeral
from epireport.narrative._templates import TemplateSource
from epireport.narrative._terms import disease_name

__all__ = [
    "EnvironmentEntry",
    "build_environment",
    "check_template_references",
    "environment_for",
    "file_environment",
    "heading_locator",
    "name_hint",
    "template_closure",
    "template_source_of",
    "where_raised",
]

_AUTOESCAPED: Final = ("html", "htm", "xml")


@jinja2.pass_eval_context
def _finalize(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
    # Where the markers are written (see the module docstring): figures and marked text
    # print their markup form, neutral words go into a slot.
    kind = type(value)
    if kind is FigureText:
        # The most frequent output: FigureText._to_markup, inlined (a method call per figure
        # was a few per cent of a report).
        state = _STATE.get(None)
        if state is not None:
            key = value.key
            ref_index = state._ref_index
            index = ref_index.get(key)
            if index is None:
                refs = state.refs
                index = ref_index[key] = len(refs)
                refs.append(value.ref)
            if index < _MANY_OPENERS:
                return _OPENERS[index] + value.tail
        return value._to_markup()
    if kind is str:
        # Keep the markup's line structure the template's own (see the module docstring).
        if "\n" in value or "\r" in value:
            value = "".join(value.splitlines())
        # Plain words printed into markup travel in a slot (see the module docstring).
        if not eval_ctx.autoescape and is_neutral(value):
            return slot(value)
        return value
    if kind is int and value >= 0 and not eval_ctx.autoescape:
        return slot(str(value))
    if isinstance(value, MarkedText):
        value = value._to_markup()
        return "".join(value.splitlines()) if "\n" in value or "\r" in value else value
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return type(value)("".join(value.splitlines()))  # Markup stays Markup
    return value


@jinja2.pass_eval_context
def _join(
    eval_ctx: jinja2.nodes.EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None
) -> str:
    """Jinja2's ``join`` filter, keeping the figures of the items in markup templates."""
    if eval_ctx.autoescape or attribute is not None:
        return jinja2.filters.sync_do_join(eval_ctx, value, d, attribute)
    return join(d, value)


def _book_titles(titles: object) -> str:
    """Wrap document titles in 《》: ['工作方案', '预案'] → 《工作方案》《预案》."""
    if isinstance(titles, str):
        titles = [titles]
    if not isinstance(titles, Iterable):
        raise TemplateError(f"book_titles: expected a title or a list of titles, got {titles!r}")
    return "".join(f"《{str(t).strip('《》')}》" for t in titles if str(t).strip("《》 "))


def _period_label(period: Period, with_year: bool = True) -> str:
    """Write a period as the prose names it: 2020年2月, 2月10日至2月16日 (same in drafts)."""
    return period.label(with_year)


def _draft_tolerant(function: Callable[..., Any]) -> Callable[..., Any]:
    """*function*, giving the draft placeholder for a missing value (``None``) in drafts.

    In a draft, ``value("meetings")`` is ``None`` for a figure not yet reported, and
    ``chinese_numeral(value("meetings"))`` must not stop the skeleton: it writes ``xx``
    instead. A final render still raises (naming the template line).
    """

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if args and args[0] is None:
            state = _STATE.get(None)
            if state is not None and state.draft:
                return state.placeholder
        return function(*args, **kwargs)

    call.__doc__ = (
        inspect.cleandoc(function.__doc__ or "")
        + "\n\nIn a draft, a missing value (none, as value() gives for a figure not yet "
        "reported) is written as the draft placeholder (xx) instead of failing."
    )
    return call


_format_date = _draft_tolerant(format_date)
_format_date_range = _draft_tolerant(format_date_range)
_format_as_of = _draft_tolerant(format_as_of)
_weekday = _draft_tolerant(weekday)
_format_number = _draft_tolerant(format_number)
_format_percent = _draft_tolerant(format_percent)
_format_change = _draft_tolerant(format_change)
_chinese_numeral = _draft_tolerant(chinese_numeral)
_chinese_count = _draft_tolerant(chinese_count)

#: The globals every environment has (the figure functions first).
GLOBALS: Final[dict[str, Callable[..., Any]]] = {
    "figure": _figures.figure,
    "value": _figures.value,
    "has": _figures.has,
    "fact": _figures.fact,
    "change": _figures.change,
    "coverage_phrase": _figures.coverage_phrase,
    "tally": _figures.tally,
    "count_list": _figures.count_list,
    "breakdown": _figures.breakdown,
    "items": _figures.items,
    "measure": _figures.measure,
    "variant": _figures.variant,
    "format_date": _format_date,
    "format_date_range": _format_date_range,
    "format_as_of": _format_as_of,
    "weekday": _weekday,
    "format_number": _format_number,
    "format_percent": _format_percent,
    "format_change": _format_change,
    "chinese_numeral": _chinese_numeral,
    "chinese_count": _chinese_count,
    "disease_name": disease_name,
}

#: The filters every environment has.
FILTERS: Final[dict[str, Callable[..., Any]]] = {
    "join": _join,
    "join_items": _figures.items,
    "date": _format_date,
    "date_range": _format_date_range,
    "as_of": _format_as_of,
    "weekday": _weekday,
    "number": _format_number,
    "percent": _format_percent,
    "cn": _chinese_numeral,
    "cn_count": _chinese_count,
    "period_label": _period_label,
    "book_titles": _book_titles,
}


# The globals Jinja2 may call as they are: plain functions without pass_context & co.
_PLAIN_GLOBALS: Final = frozenset(
    f
    for f in GLOBALS.values()
    if isinstance(f, FunctionType) and getattr(f, "jinja_pass_arg", None) is None
)


# A tag opening a line with "-" whitespace control, and the run of blank lines before it.
_JOINING_TAG_RE: Final = re.compile(r"(?m)^([ \t]*\{[%{#])-")
# The markup lines nothing may be joined to: headings, fences, directives.
_WHOLE_LINE: Final = ("#", ":::", "@")


def keep_line_ends(source: str) -> str:
    """Drop the ``-`` of a tag that would join its line to a heading, fence or directive.

    Line numbers and columns stay as they were (``-`` becomes a space). See the module
    docstring for why.
    """
    if "-" not in source:
        return source
    lines = source.split("\n")
    for index, line in enumerate(lines):
        match = _JOINING_TAG_RE.match(line)
        if match is None:
            continue
        above = next((p.strip() for p in reversed(lines[:index]) if p.strip()), "")
        if above.startswith(_WHOLE_LINE):
            end = match.end(1)
            lines[index] = line[:end] + " " + line[end + 1 :]
    return "\n".join(lines)


class _LineEnds(jinja2.ext.Extension):
    """Applies :func:`keep_line_ends` to every template a markup environment loads."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Return *source* with joining ``-`` markers dropped after whole markup lines."""
        if name is not None and name.rsplit(".", 1)[-1] in _AUTOESCAPED:
            return source
        return keep_line_ends(source)


class _Context(jinja2.runtime.Context):
    """Jinja2's template context, calling epireport's own template functions directly.

    ``Context.call`` inspects every callee for ``pass_context`` and friends before calling
    it; for the figure functions, called two dozen times per report, that inspection cost
    more than the rest of Jinja2's work. A plain function has nothing to inject, so the
    result is the same; anything else (plugins' globals, macros) takes Jinja2's own path.
    """

    @jinja2.utils.internalcode
    def call(
        __self,  # Jinja2's own signature: the keyword arguments may be named self
        __obj: Callable[..., Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if __obj.__class__ is FunctionType and __obj in _PLAIN_GLOBALS:
            try:
                if not kwargs:
                    return __obj(*args)  # no empty ** to unpack: the common call
                # What Jinja2 passes for pass_context callees inside loops and blocks.
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


def _flat_globals(
    env: jinja2.Environment, d: MutableMapping[str, Any] | None
) -> MutableMapping[str, Any]:
    # Jinja2 gives every template a ChainMap over the environment's globals, and copies it
    # into a dict (and a set) for every render: ChainMap's Python-level iteration and lookup
    # cost ≈20 µs per render with epireport's two dozen globals, as much as rendering a whole
    # report's text. A plain dict, taken when the template is loaded, is copied in C.
    merged = dict(env.globals)
    if d:
        merged.update(d)
    return merged


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja2's code generator, keeping figures where Jinja2 would turn them into plain text.

    Jinja2 compiles ``a ~ b`` to ``str_join``, which calls ``str()`` on each operand: a
    figure would come out as its visible text without its fact. Outside autoescaping the
    operands are joined by :func:`~epireport.narrative._markers.join_values` instead. And
    ``{% call %}`` and ``{% filter %}`` blocks write their result to the output as it is, not
    through ``finalize``: it goes through :func:`~epireport.narrative._markers.markup_of`.
    """

    def visit_Concat(self, node: nodes.Concat, frame: jinja2.compiler.Frame) -> None:
        """Write ``environment.join_values((a, b, ...))`` where Jinja2 writes ``str_join``."""
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.autoescape else environment.join_values)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "environment.join_values"
        self.write(f"{func_name}((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_CallBlock(self, node: nodes.CallBlock, frame: jinja2.compiler.Frame) -> None:
        """Write the result of ``{% call %}`` in its markup form (Jinja2's code, wrapped)."""
        call_frame, macro_ref = self.macro_body(node, frame)
        self.writeline("caller = ")
        self.macro_def(macro_ref, call_frame)
        self.start_write(frame, node)
        self.write("environment.markup_of(")
        self.visit_Call(node.call, frame, forward_caller=True)
        self.write(")")
        self.end_write(frame)

    def visit_FilterBlock(self, node: nodes.FilterBlock, frame: jinja2.compiler.Frame) -> None:
        """Write the result of ``{% filter %}`` in its markup form (Jinja2's code, wrapped)."""
        filter_frame = frame.inner()
        filter_frame.symbols.analyze_node(node)
        self.enter_frame(filter_frame)
        self.buffer(filter_frame)
        self.blockvisit(node.body, filter_frame)
        self.start_write(frame, node)
        self.write("environment.markup_of(")
        self.visit_Filter(node.filter, filter_frame)
        self.write(")")
        self.end_write(frame)
        self.leave_frame(filter_frame)


class _Template(jinja2.Template):
    """A template whose ``render`` returns the markup stream, markers included."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render the template to its markup (see :class:`jinja2.Template`).

        The environment's ``concat`` turns captured output into marked text for templates;
        the whole output is joined as it is, for the markup parser.
        """
        if self.environment.is_async:
            return super().render(*args, **kwargs)
        ctx = self.new_context(dict(*args, **kwargs))
        try:
            return "".join(self.root_render_func(ctx))
        except Exception as exc:
            _remember_where(exc)
            self.environment.handle_exception()


def _remember_where(exc: BaseException) -> None:
    # The innermost template frame of the traceback: which template and line raised. Read
    # before Jinja2 rewrites the traceback, from the compiled code's own globals.
    tb = exc.__traceback__
    where = None
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if isinstance(template, jinja2.Template):
            where = (template.name or "<string>", template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    if where is not None and getattr(exc, "epireport_where", None) is None:
        # Exceptions without a __dict__ keep no place.
        with contextlib.suppress(AttributeError):
            exc.epireport_where = where  # type: ignore[attr-defined]


def where_raised(exc: BaseException) -> tuple[str, int] | None:
    """The template and line an exception raised during a render came from, if known."""
    where = getattr(exc, "epireport_where", None)
    if where is None and isinstance(exc, jinja2.TemplateError):
        line = getattr(exc, "lineno", None)
        name = getattr(exc, "name", None)
        if line and name:
            return name, line
    return where if isinstance(where, tuple) else None


class _Environment(jinja2.Environment):
    """Jinja2's environment, with each template's globals a plain dict (see the docstring)."""

    code_generator_class = _CodeGenerator
    template_class = _Template
    # Captured output as marked text; the compiled templates read it as environment.concat.
    concat = staticmethod(concat)
    join_values = staticmethod(join_values)
    markup_of = staticmethod(markup_of)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Return the globals of a template: the environment's, overlaid with *d*."""
        return _flat_globals(self, d)


class _SandboxedEnvironment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandboxed environment, with each template's globals a plain dict."""

    code_generator_class = _CodeGenerator
    template_class = _Template
    concat = staticmethod(concat)
    join_values = staticmethod(join_values)
    markup_of = staticmethod(markup_of)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Return the globals of a template: the environment's, overlaid with *d*."""
        return _flat_globals(self, d)


def build_environment(
    loader: jinja2.BaseLoader,
    *,
    sandboxed: bool = False,
    prepare: Callable[[jinja2.Environment], None] | None = None,
) -> jinja2.Environment:
    """Build a new environment over *loader* with epireport's settings, globals and filters.

    *prepare* runs last (the plugins' ``epireport_prepare_environment``). Most callers want
    the cached :func:`environment_for` instead.
    """
    cls = _SandboxedEnvironment if sandboxed else _Environment
    env = cls(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=_AUTOESCAPED, default_for_string=False, default=False
        ),
        finalize=_finalize,
        auto_reload=False,
        cache_size=-1,
        extensions=[_LineEnds],
    )
    env.context_class = _Context
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    if prepare is not None:
        prepare(env)
    return env


@attrs.define
class EnvironmentEntry:
    """A cached environment with what was learnt about its templates.

    ``checked`` holds the template names whose references passed
    :func:`check_template_references`, ``sandbox_needed`` whether rendering a name needs the
    sandbox (some template it uses comes from a sandboxed source). ``indicators`` maps the
    institution's indicator codes to indicators and ``writers`` remembers how each one's
    figures are written, so that a render does not work either out again. ``shapes`` holds
    the compiled plans of the markups its templates produce
    (:mod:`epireport.narrative._compiled`).
    """

    institution: Institution
    env: jinja2.Environment
    checked: set[str] = attrs.Factory(set)
    sandbox_needed: dict[str, bool] = attrs.Factory(dict)
    indicators: dict[str, Indicator] = attrs.Factory(
        lambda self: {i.code: i for s in self.institution.indicator_sets for i in s.with_series},
        takes_self=True,
    )
    writers: dict[str, Callable[[Any], str]] = attrs.Factory(dict)
    shapes: ShapeCache = attrs.Factory(ShapeCache)


_CACHE: weakref.WeakKeyDictionary[Plugins, dict[tuple[str, bool], EnvironmentEntry]] = (
    weakref.WeakKeyDictionary()
)


def environment_for(
    plugins: Plugins, institution: Institution, *, sandboxed: bool = False
) -> EnvironmentEntry:
    """Return the environment for *institution* over *plugins*' templates, built once.

    The cache lives as long as *plugins* does; a different institution object of the same
    name replaces the cached environment.
    """
    per_plugins = _CACHE.setdefault(plugins, {})
    key = (institution.code, sandboxed)
    entry = per_plugins.get(key)
    if entry is None or (entry.institution is not institution and entry.institution != institution):
        env = build_environment(
            plugins.template_loader(),
            sandboxed=sandboxed,
            prepare=lambda e: plugins.prepare_environment(e, institution),
        )
        entry = per_plugins[key] = EnvironmentEntry(institution, env)
    return entry


class _FileLoader(jinja2.BaseLoader):
    """Loads one template file from disk under the name it was given as, re-read when saved."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        """Return the file's text for its own name; any other name is not here."""
        if template != self.name:
            raise jinja2.TemplateNotFound(template)
        try:
            mtime = self.path.stat().st_mtime
            source = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise TemplateError(f"template file {self.name!r}: cannot read it ({reason})") from None
        path = self.path
        return source, str(path), lambda: path.stat().st_mtime == mtime


def file_environment(
    plugins: Plugins, institution: Institution, path: Path, *, sandboxed: bool = False
) -> tuple[str, EnvironmentEntry]:
    """An uncached environment where the template file *path* is loaded by its own name.

    Returns the name (the path as given) and the entry. Everything else the file extends,
    includes or imports comes from *plugins*' template sources, so a template under work can
    extend the institution's own. Built fresh each time: the file is being edited.
    """
    if not path.is_file():
        raise TemplateError(
            f"template file {str(path)!r} not found (give a file, or the name of a registered "
            "template such as 'district-publicity/report.md.j2')"
        )
    name = str(path)
    loader = jinja2.ChoiceLoader([_FileLoader(name, path), plugins.template_loader()])
    env = build_environment(
        loader,
        sandboxed=sandboxed,
        prepare=lambda e: plugins.prepare_environment(e, institution),
    )
    return name, EnvironmentEntry(institution, env)


# ------------------------------------------------------------------------ walking templates


def _parse(env: jinja2.Environment, name: str, parent: tuple[str, int] | None) -> nodes.Template:
    if env.loader is None:
        raise TemplateError(f"template {name!r}: the environment has no loader")
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        where = f" ({parent[0]!r}, line {parent[1]}, refers to it)" if parent else ""
        try:
            known = env.loader.list_templates()
        except (TypeError, OSError):  # a loader that cannot list its templates
            known = []
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TemplateError(f"template {name!r} not found{where}{hint}") from None
    try:
        return env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template {name!r}, line {exc.lineno}: {exc.message}") from exc


def _referenced_names(node: nodes.Node) -> Iterator[str]:
    # {% extends %}, {% include %}, {% import %} and {% from ... import %} with constant names;
    # an include of a list tries each, so each is checked.
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, nodes.List | nodes.Tuple):
        for item in node.items:
            yield from _referenced_names(item)


def template_closure(env: jinja2.Environment, name: str) -> dict[str, nodes.Template]:
    """Parse *name* and every template it extends, includes or imports (constant names).

    Returns the parsed trees by name, *name* first. Raises :class:`TemplateError` for a
    template that cannot be found or parsed, naming who refers to it.
    """
    found: dict[str, nodes.Template] = {}
    pending: list[tuple[str, tuple[str, int] | None]] = [(name, None)]
    while pending:
        current, parent = pending.pop(0)
        if current in found:
            continue
        tree = found[current] = _parse(env, current, parent)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            template = getattr(node, "template", None)
            if template is None:
                continue
            pending.extend((n, (current, node.lineno)) for n in _referenced_names(template))
    return found


def _constant_codes(call: nodes.Call, kind: str) -> Iterator[tuple[str, int]]:
    arg: nodes.Node | None = call.args[0] if call.args else None
    for kw in call.kwargs:
        if kw.key in ("code", "codes"):
            arg = kw.value
        if kw.key == "prefix" and isinstance(kw.value, nodes.Dict):
            for pair in kw.value.items:
                if isinstance(pair.key, nodes.Const) and isinstance(pair.key.value, str):
                    yield pair.key.value, pair.lineno
    if arg is None:
        return
    if kind == "code":
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            yield arg.value, arg.lineno
    elif isinstance(arg, nodes.List | nodes.Tuple):
        for item in arg.items:
            if isinstance(item, nodes.Const) and isinstance(item.value, str):
                yield item.value, item.lineno


#: Methods of the read-only narrative mapping that templates may call: not input names.
_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})


def _problems(name: str, tree: nodes.Template, institution: Institution) -> Iterator[str]:
    codes = {i.code for s in institution.indicator_sets for i in s.with_series}
    inputs = {n.code for n in institution.narrative_inputs}

    def unknown(what: str, code: str, known: set[str], line: int) -> str:
        close = difflib.get_close_matches(code, sorted(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (
            f"template {name!r}, line {line}: unknown {what} {code!r} "
            f"(institution {institution.code!r}){hint}"
        )

    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in _figures.FIGURE_FUNCTIONS:
            kind = _figures.FIGURE_FUNCTIONS[call.node.name]
            for code, line in _constant_codes(call, kind):
                if code not in codes:
                    yield unknown("indicator", code, codes, line)
    for call in tree.find_all(nodes.Call):
        # narrative.get("plans", []) names an input too: check its constant first argument.
        callee = call.node
        if (
            isinstance(callee, nodes.Getattr)
            and isinstance(callee.node, nodes.Name)
            and callee.node.name == "narrative"
            and callee.attr == "get"
            and call.args
            and isinstance(call.args[0], nodes.Const)
            and isinstance(call.args[0].value, str)
            and call.args[0].value not in inputs
        ):
            yield unknown("narrative input", call.args[0].value, inputs, call.lineno)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = getattr(node, "node", None)
        if isinstance(target, nodes.Name) and target.name == "narrative":
            if isinstance(node, nodes.Getattr) and node.attr in _MAPPING_METHODS:
                continue
            key = node.attr if isinstance(node, nodes.Getattr) else None
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                key = node.arg.value if isinstance(node.arg.value, str) else None
            if key is not None and key not in inputs:
                yield unknown("narrative input", key, inputs, node.lineno)


#: What a report template's context holds (see :mod:`epireport.narrative._compose`).
CONTEXT_NAMES: Final = frozenset(
    {
        "report",
        "institution",
        "unit",
        "unit_code",
        "period",
        "period_label",
        "facts",
        "measures",
        "narrative",
        "draft",
    }
)
# Names Jinja2 provides inside blocks, macros and loops.
_JINJA_NAMES: Final = frozenset({"self", "super", "caller", "loop", "varargs", "kwargs"})


def _top_level_names(tree: nodes.Template) -> set[str]:
    # {% set %}, {% macro %}, imports and loop variables anywhere: a child's blocks see the
    # names its parent sets before calling them, and an included template those of the
    # loop around its {% include %}, so they count as defined for the whole closure.
    found: set[str] = set()
    for loop in tree.find_all(nodes.For):
        found.update(n.name for n in loop.target.find_all(nodes.Name))
        if isinstance(loop.target, nodes.Name):
            found.add(loop.target.name)
    for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.Import)):
        if isinstance(node, nodes.Macro):
            found.add(node.name)
        elif isinstance(node, nodes.Import):
            found.add(node.target)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            target = node.target
            found.update(n.name for n in target.find_all(nodes.Name))
            if isinstance(target, nodes.Name):
                found.add(target.name)
    for from_import in tree.find_all(nodes.FromImport):
        for item in from_import.names:
            found.add(item[1] if isinstance(item, tuple) else item)
    return found


def name_hint(env: jinja2.Environment, name: str, known: Iterable[str]) -> str:
    """The fix for an undefined *name*: a filter or test of that name, or the closest name."""
    if name in env.filters:
        function = env.filters[name]
        target = inspect.unwrap(function)
        same = sorted(
            g for g, f in env.globals.items() if callable(f) and inspect.unwrap(f) is target
        )
        hint = f"{name!r} is a filter: write {{{{ … | {name} }}}}"
        if same:
            hint += f"; the function is {same[0]}(…)"
        return hint
    if name in env.tests:
        return f"{name!r} is a test: write {{% if … is {name} %}}"
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "see 'epireport plugins --template-api' for what templates can use"


def _name_problems(
    env: jinja2.Environment, name: str, tree: nodes.Template, defined: set[str]
) -> Iterator[str]:
    """Undefined names, unknown filters and unknown tests of one parsed template."""
    known = set(env.globals) | CONTEXT_NAMES | _JINJA_NAMES | defined
    try:
        # On a tree of its own: Jinja2's code generator folds constants in the tree it is
        # given, and the indicator check reads the constants as written.
        undeclared = jinja2.meta.find_undeclared_variables(_parse(env, name, None))
    except jinja2.TemplateError:  # pragma: no cover - Jinja2 compiles it again below
        undeclared = set()
    missing = undeclared - known
    seen: set[str] = set()
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in missing and node.name not in seen:
            seen.add(node.name)
            yield (
                f"template {name!r}, line {node.lineno}: {node.name!r} is undefined; "
                f"{name_hint(env, node.name, known)}"
            )
    for filter_node in tree.find_all(nodes.Filter):
        if filter_node.name not in env.filters:
            close = difflib.get_close_matches(filter_node.name, sorted(env.filters), n=1)
            if filter_node.name in env.globals:
                hint = f"{filter_node.name!r} is a function: write {filter_node.name}(…)"
            elif close:
                hint = f"did you mean the filter {close[0]!r}?"
            else:
                hint = "see 'epireport plugins --template-api' for the filters"
            yield (
                f"template {name!r}, line {filter_node.lineno}: no filter named "
                f"{filter_node.name!r}; {hint}"
            )
    for test in tree.find_all(nodes.Test):
        if test.name not in env.tests:
            close = difflib.get_close_matches(test.name, sorted(env.tests), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see Jinja2's list of tests"
            yield f"template {name!r}, line {test.lineno}: no test named {test.name!r}; {hint}"


def check_template_references(
    env: jinja2.Environment | EnvironmentEntry, institution: Institution, name: str | None = None
) -> None:
    """Check the template *name* (default: the institution's) against *institution*.

    Walks the parsed template and all it extends, includes or imports; every figure function
    called with a constant indicator code, and every ``narrative.<name>``, must exist in the
    institution, and every name, filter and test the environment (a global, the render
    context, the template's own ``{% set %}`` and macros). Raises :class:`TemplateError`
    listing every problem, one per line (``problems``), each naming the template, the line
    and the fix (``'as_of' is a filter …; the function is format_as_of(…)``). Results are
    remembered when given an :class:`EnvironmentEntry`.
    """
    entry = env if isinstance(env, EnvironmentEntry) else None
    jinja_env = env.env if isinstance(env, EnvironmentEntry) else env
    template_name = name or institution.template
    if entry is not None and template_name in entry.checked:
        return
    closure = template_closure(jinja_env, template_name)
    defined = {n for tree in closure.values() for n in _top_level_names(tree)}
    problems = [
        problem
        for tree_name, tree in closure.items()
        for problem in (
            *_name_problems(jinja_env, tree_name, tree, defined),
            *_problems(tree_name, tree, institution),
        )
    ]
    if problems:
        raise TemplateError("\n".join(problems), problems=problems)
    if entry is not None:
        entry.checked.add(template_name)


def _pattern_of(text: str) -> re.Pattern[str]:
    """A regex matching what a template line's text can render to (expressions: anything)."""
    parts = re.split(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", text)
    pattern = "".join(
        ".*?" if part.startswith("{{") else "" if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(pattern, re.DOTALL)


def heading_locator(env: jinja2.Environment, name: str) -> Callable[[int, str], str]:
    """Return ``locate(level, heading)``: where *name* (or what it uses) writes that heading.

    The answer reads ``template 'x', line 12``, or ``""`` when no line of the template closure
    writes a heading of that level that renders to *heading*. Looked up only when a problem
    is reported, so it costs nothing on the way of a good render.
    """

    def locate(level: int, heading: str) -> str:
        if env.loader is None:
            return ""
        try:
            names = list(template_closure(env, name))
        except TemplateError:
            names = [name]
        marks = "#" * (level + 1)
        for each in names:
            try:
                source = env.loader.get_source(env, each)[0]
            except jinja2.TemplateNotFound:
                continue
            for number, line in enumerate(source.splitlines(), 1):
                stripped = line.strip()
                if not stripped.startswith(marks) or stripped.startswith(marks + "#"):
                    continue
                text = stripped[len(marks) :].strip()
                if _pattern_of(text).fullmatch(heading) is not None:
                    return f"template {each!r}, line {number}"
        return ""

    return locate


def template_source_of(plugins: Plugins, name: str) -> TemplateSource | None:
    """Return the source the template *name* is loaded from, by the precedence rule."""
    sources = plugins.template_sources()
    prefix, sep, rest = name.partition("::")
    probe = build_environment(jinja2.DictLoader({}))
    for source in sources:
        if sep and source.code != prefix:
            continue
        try:
            source.jinja_loader().get_source(probe, rest if sep else name)
        except jinja2.TemplateNotFound:
            continue
        return source
    return None


def sandbox_needed(plugins: Plugins, entry: EnvironmentEntry, name: str) -> bool:
    """Whether rendering *name* uses any template from a sandboxed source (remembered)."""
    if name not in entry.sandbox_needed:
        closure = template_closure(entry.env, name)
        entry.sandbox_needed[name] = any(
            source is not None and source.sandboxed
            for source in (template_source_of(plugins, n) for n in closure)
        )
    return entry.sandbox_needed[name]

"""Plugins: the manager factory, entry-point discovery, and the typed facade over the hooks.

Load order
----------
:func:`make_plugin_manager` builds a fresh manager each time it is called (there is no global
one, and importing epireport registers nothing). It registers, in this fixed order:

1. the built-in plugins listed in :data:`epireport._builtins.BUILTIN_PLUGINS`;
2. the entry points of the ``epireport`` group, sorted by entry-point name;
3. the plugins passed explicitly, in the order given.

All three go through the same registration function. Pluggy calls implementations of a hook
last-registered first, so for ``epireport_select_*`` hooks explicit plugins are asked before
entry points, and entry points before built-ins (whose fallbacks are ``trylast`` anyway).
``register_*`` and ``prepare_*`` hooks are called plugin by plugin in load order, so records
come out in load order and a later ``prepare`` sees (and may override) what earlier ones did.

Environment (read each time a manager is made)
----------------------------------------------
``EPIREPORT_STRICT_PLUGINS=1``
    a plugin that fails to import or register raises :class:`PluginError` instead of being
    skipped with an :class:`EpireportPluginWarning`.
``EPIREPORT_LOAD_PLUGINS=a,b``
    load only these entry points (by entry-point or distribution name).
``EPIREPORT_DISABLE_PLUGIN_AUTOLOAD=1``
    load no entry points at all (built-ins and explicit plugins still load).
``EPIREPORT_TRACE_PLUGINS=1``
    print every hook call and its result to stderr.

A hook implementation whose name matches no hook fails loudly (``check_pending``), whatever the
strictness, unless it is marked ``@hookimpl(optionalhook=True)``.

This is the only module that calls ``pm.hook``: everything else asks a :class:`Plugins`.
"""

from __future__ import annotations

import difflib
import enum
import functools
import importlib
import importlib.metadata
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import jinja2
import pluggy

from epireport import hookspecs
from epireport._builtins import BUILTIN_PLUGINS
from epireport._markers import ENTRY_POINT_GROUP, hookimpl
from epireport._version import __version__
from epireport.aggregate._rules import ValidationRule
from epireport.exceptions import EpireportPluginWarning, PluginError, UsageError
from epireport.io._loaders import InputLoader
from epireport.lint._rules import LintRule
from epireport.model._indicators import IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period, PeriodType
from epireport.narrative._templates import TemplateSource
from epireport.render._formats import ReportFormat

if TYPE_CHECKING:
    from epireport.model._report import ReportInput

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_PLUGINS_ENV",
    "STRICT_ENV",
    "TRACE_ENV",
    "EpireportPluginManager",
    "PluginDescription",
    "PluginKind",
    "PluginOrigin",
    "Plugins",
    "check_hooks",
    "discover_entry_points",
    "hookimpl",
    "make_plugin_manager",
    "register_plugin",
]

STRICT_ENV = "EPIREPORT_STRICT_PLUGINS"
LOAD_PLUGINS_ENV = "EPIREPORT_LOAD_PLUGINS"
DISABLE_AUTOLOAD_ENV = "EPIREPORT_DISABLE_PLUGIN_AUTOLOAD"
TRACE_ENV = "EPIREPORT_TRACE_PLUGINS"


_T = TypeVar("_T")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UsageError(f"{name}={raw!r}: expected 1 (on) or 0 (off)")


def _env_names(name: str) -> frozenset[str] | None:
    raw = os.environ.get(name, "")
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    # An empty variable means "not set", not "load nothing": that is what the disable switch is for.
    return names or None


# ------------------------------------------------------------------------------ origins


class PluginKind(enum.Enum):
    """How a plugin came to be registered."""

    BUILTIN = "builtin"
    ENTRY_POINT = "entry point"
    EXPLICIT = "explicit"


@attrs.frozen
class PluginOrigin:
    """Where a registered plugin comes from: its name, kind, distribution and version.

    ``value`` is the entry point's target (``epireport_district_publicity.plugin``) or the
    built-in module's name; ``None`` for plugins passed explicitly.
    """

    name: str
    kind: PluginKind
    distribution: str | None = None
    version: str | None = None
    value: str | None = None

    def label(self) -> str:
        """Describe the plugin for messages, naming its entry point and distribution."""
        if self.kind is PluginKind.BUILTIN:
            return f"built-in plugin {self.name!r}"
        if self.kind is PluginKind.EXPLICIT:
            return f"plugin {self.name!r}"
        dist = (
            f"distribution {self.distribution} {self.version or ''}".rstrip()
            if self.distribution
            else "an unknown distribution"
        )
        return f"plugin {self.name!r} (entry point '{self.name} = {self.value}' of {dist})"


# ------------------------------------------------------------------------------ the manager


def _hookimpl_problems(function: Callable[..., object], opts: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if opts.get("hookwrapper"):
        problems.append("uses hookwrapper=True; write a new-style wrapper with wrapper=True")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a signature: nothing to check
        return problems
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            problems.append(f"takes **{parameter.name}")
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            problems.append(f"takes *{parameter.name}")
        elif parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            problems.append(f"takes the keyword-only argument {parameter.name!r}")
        elif parameter.default is not inspect.Parameter.empty:
            problems.append(f"gives the argument {parameter.name!r} a default value")
    return problems


class EpireportPluginManager(pluggy.PluginManager):
    """A pluggy manager with epireport's hooks, its registration checks and plugin origins.

    Build one with :func:`make_plugin_manager` (or ``epireport.testing.plugin_manager``) and
    wrap it in :class:`Plugins` to call hooks.
    """

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.add_hookspecs(hookspecs)
        self._origins: dict[str, PluginOrigin] = {}

    def origin(self, name: str) -> PluginOrigin:
        """Return where the plugin registered as *name* comes from."""
        return self._origins.get(name) or PluginOrigin(name=name, kind=PluginKind.EXPLICIT)

    def get_canonical_name(self, plugin: object) -> str:
        """Name a plugin by its module or class, numbering repeats (``Fake``, ``Fake#2``)."""
        base = getattr(plugin, "__name__", None)
        if not isinstance(base, str):
            base = type(plugin).__name__
        name, number = base, 1
        while self.has_plugin(name) and self.get_plugin(name) is not plugin:
            number += 1
            name = f"{base}#{number}"
        return name

    def register(
        self, plugin: object, name: str | None = None, *, origin: PluginOrigin | None = None
    ) -> str | None:
        """Register *plugin* after checking every hook implementation it has.

        Implementations with default values, ``*args``, ``**kwargs``, keyword-only arguments
        or ``hookwrapper=True`` are refused with a :class:`PluginError` naming the plugin and
        the hook, as are arguments the hook does not have and a name already taken.
        """
        plugin_name = name or (origin.name if origin else self.get_canonical_name(plugin))
        origin = origin or PluginOrigin(name=plugin_name, kind=PluginKind.EXPLICIT)
        for attr in dir(plugin):
            opts = self.parse_hookimpl_opts(plugin, attr)
            if opts is None:
                continue
            function = getattr(plugin, attr)
            problems = _hookimpl_problems(function, opts)
            if problems:
                hook_name = opts.get("specname") or attr
                raise PluginError(
                    f"{origin.label()}: hook implementation "
                    f"{hook_name}{inspect.signature(function)} {'; '.join(problems)}. "
                    "epireport passes every argument of a hook by name, so declare exactly "
                    "the ones you use, without defaults, *args or **kwargs"
                )
        try:
            registered = super().register(plugin, plugin_name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"{origin.label()}: {' '.join(str(exc).split())}") from exc
        except ValueError as exc:
            taken = self.origin(plugin_name).label() if self.has_plugin(plugin_name) else ""
            raise PluginError(
                f"{origin.label()} cannot be registered: "
                + (f"the name is taken by {taken}" if taken else "it is already registered")
            ) from exc
        if registered is not None:
            self._origins[registered] = origin
        return registered

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any | None:
        """Unregister a plugin (by object or name) and forget its origin."""
        if name is None and plugin is not None:
            name = self.get_name(plugin)
        removed = super().unregister(plugin, name)
        if name is not None:
            self._origins.pop(name, None)
        return removed


def register_plugin(pm: EpireportPluginManager, plugin: object, *, name: str | None = None) -> str:
    """Register an explicitly given plugin (a module, class or object) and return its name.

    The same checks apply as to entry points and built-ins; errors are always raised, since
    whoever passes a plugin in code wants to know it is broken.
    """
    plugin_name = name or pm.get_canonical_name(plugin)
    origin = PluginOrigin(name=plugin_name, kind=PluginKind.EXPLICIT)
    _load(pm, lambda: plugin, origin, strict=True)
    return plugin_name


def _load(
    pm: EpireportPluginManager,
    load: Callable[[], object],
    origin: PluginOrigin,
    *,
    strict: bool,
) -> None:
    # The one registration path for built-ins, entry points and explicit plugins.
    try:
        plugin = load()
    except Exception as exc:
        _fail(f"{origin.label()} could not be imported: {type(exc).__name__}: {exc}", strict, exc)
        return
    try:
        pm.register(plugin, origin.name, origin=origin)
    except PluginError as exc:
        _fail(str(exc), strict, exc)


def _fail(message: str, strict: bool, cause: BaseException | None = None) -> None:
    if strict:
        raise PluginError(message) from cause
    warnings.warn(
        f"skipping {message} (set {STRICT_ENV}=1 to make this an error)",
        EpireportPluginWarning,
        stacklevel=4,
    )


def discover_entry_points() -> list[importlib.metadata.EntryPoint]:
    """Return the installed entry points of the ``epireport`` group, sorted by name.

    Ties (one name in two distributions) are ordered by distribution name. This is the only
    place that asks the installed distributions; tests replace it to fake plugins.
    """
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return sorted(found, key=lambda ep: (ep.name, _distribution(ep)[0] or ""))


def _distribution(ep: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"] or getattr(dist, "name", None), dist.version


def _load_entry_points(
    pm: EpireportPluginManager, only: frozenset[str] | None, strict: bool
) -> None:
    taken: dict[str, PluginOrigin] = {}
    known: set[str] = set()
    for ep in discover_entry_points():
        distribution, version = _distribution(ep)
        known.update(n for n in (ep.name, distribution) if n)
        if only is not None and ep.name not in only and distribution not in only:
            continue
        origin = PluginOrigin(
            name=ep.name,
            kind=PluginKind.ENTRY_POINT,
            distribution=distribution,
            version=version,
            value=ep.value,
        )
        if ep.name in taken:
            _fail(
                f"{origin.label()}: the entry-point name {ep.name!r} is already used by "
                f"{taken[ep.name].label()}",
                strict,
            )
            continue
        taken[ep.name] = origin
        _load(pm, ep.load, origin, strict=strict)
    if only is not None and (unknown := sorted(only - known)):
        _fail(
            f"plugin(s) {', '.join(map(repr, unknown))} asked for by {LOAD_PLUGINS_ENV} or "
            f"only=: no installed entry point or distribution has that name "
            f"(installed: {', '.join(sorted(known)) or 'none'})",
            strict,
        )


def check_hooks(pm: EpireportPluginManager) -> None:
    """Raise :class:`PluginError` if a plugin implements a hook that does not exist.

    Wraps pluggy's ``check_pending`` to name the plugin and suggest the closest hook name.
    """
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin)
        label = pm.origin(name).label() if name else repr(exc.plugin)
        known = sorted(n for n in vars(hookspecs) if n.startswith("epireport_"))
        unknown = sorted(
            caller.name for caller in pm.get_hookcallers(exc.plugin) or () if not caller.has_spec()
        )
        hook = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(hook, known, n=1)
        hint = (
            f"; did you mean {close[0]!r}?" if close else f"; epireport's hooks: {', '.join(known)}"
        )
        raise PluginError(
            f"{label} implements {hook!r}, which is not an epireport hook{hint} "
            "(a hook of a newer epireport can be marked @hookimpl(optionalhook=True))"
        ) from exc


def _enable_tracing(pm: EpireportPluginManager) -> None:
    # Look sys.stderr up at each write so that redirections made later (pytest's capsys) apply.
    pm.trace.root.setwriter(lambda message: sys.stderr.write(f"epireport: {message}"))
    pm.enable_tracing()


def make_plugin_manager(
    *,
    plugins: Iterable[object] = (),
    autoload: bool | None = None,
    strict: bool | None = None,
    only: Iterable[str] | None = None,
) -> EpireportPluginManager:
    """Build a new plugin manager: built-ins, entry points sorted by name, then *plugins*.

    ``autoload=None`` loads entry points unless ``EPIREPORT_DISABLE_PLUGIN_AUTOLOAD`` is set;
    ``strict=None`` follows ``EPIREPORT_STRICT_PLUGINS``; ``only=None`` follows
    ``EPIREPORT_LOAD_PLUGINS`` (a comma-separated list of entry-point or distribution names).
    In non-strict mode a plugin that fails to import or register is skipped with an
    :class:`EpireportPluginWarning` naming its entry point and distribution; a hook name that
    does not exist is always a :class:`PluginError`.
    """
    if strict is None:
        strict = _env_flag(STRICT_ENV)
    if autoload is None:
        autoload = not _env_flag(DISABLE_AUTOLOAD_ENV)
    if isinstance(only, str):  # a single name or "a,b" is what a caller means by a string
        only = only.split(",")
    wanted = _env_names(LOAD_PLUGINS_ENV) if only is None else frozenset(n.strip() for n in only)
    pm = EpireportPluginManager()
    if _env_flag(TRACE_ENV):
        _enable_tracing(pm)
    for module_name in BUILTIN_PLUGINS:
        origin = PluginOrigin(
            name="epireport." + module_name.rpartition(".")[2],
            kind=PluginKind.BUILTIN,
            distribution="epireport",
            version=__version__,
            value=module_name,
        )
        _load(pm, functools.partial(importlib.import_module, module_name), origin, strict=True)
    if autoload:
        _load_entry_points(pm, wanted, strict)
    for plugin in plugins:
        register_plugin(pm, plugin)
    check_hooks(pm)
    return pm


# ------------------------------------------------------------------------------ the facade


@attrs.frozen
class PluginDescription:
    """What one plugin is and contributes, as ``epireport plugins`` shows it.

    Each registry maps the names the plugin registers to their titles (or descriptions, or
    ``""``); ``hooks`` lists the hooks it implements.
    """

    name: str
    kind: PluginKind
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    institutions: Mapping[str, str]
    indicator_sets: Mapping[str, str]
    formats: Mapping[str, str]
    templates: Mapping[str, str]
    input_loaders: Mapping[str, str]
    lint_rules: Mapping[str, str]
    stages: Mapping[str, str]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``epireport plugins --json``)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "distribution": self.distribution,
            "version": self.version,
            "institutions": dict(self.institutions),
            "indicator_sets": dict(self.indicator_sets),
            "formats": dict(self.formats),
            "templates": dict(self.templates),
            "input_loaders": dict(self.input_loaders),
            "lint_rules": dict(self.lint_rules),
            "stages": dict(self.stages),
            "hooks": list(self.hooks),
        }


def _unknown(what: str, name: str, known: Iterable[str]) -> UsageError:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(names) if names else "none (install a plugin that provides one)"
    return UsageError(f"unknown {what} {name!r}{hint} Installed: {listing}")


class Plugins:
    """Typed access to what the plugins of one manager register and do.

    Results are computed on first use and cached for the life of this object: build a new
    ``Plugins`` after registering or unregistering plugins. Duplicate names across plugins
    raise :class:`PluginError` naming both plugins.
    """

    def __init__(self, pm: EpireportPluginManager) -> None:
        self._pm = pm
        self._cache: dict[object, Any] = {}

    @classmethod
    def create(
        cls,
        *,
        plugins: Iterable[object] = (),
        autoload: bool | None = None,
        strict: bool | None = None,
        only: Iterable[str] | None = None,
    ) -> Plugins:
        """Build a manager with :func:`make_plugin_manager` and wrap it."""
        return cls(
            make_plugin_manager(plugins=plugins, autoload=autoload, strict=strict, only=only)
        )

    @property
    def manager(self) -> EpireportPluginManager:
        """The wrapped plugin manager."""
        return self._pm

    # -------------------------------------------------------------- calling hooks

    def _cached(self, key: object, compute: Callable[[], _T]) -> _T:
        if key not in self._cache:
            self._cache[key] = compute()
        result: _T = self._cache[key]
        return result

    def _plugins_in_load_order(self) -> list[tuple[str, object]]:
        return [(n, p) for n, p in self._pm.list_name_plugin() if p is not None]

    def _per_plugin(
        self, hook_name: str, kwargs: Mapping[str, object]
    ) -> Iterator[tuple[str, Any]]:
        # Calling each plugin through its own subset caller keeps tracing and wrappers working
        # while telling which plugin returned what, which a single pm.hook call cannot.
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook_name)
        implementers = [impl.plugin for impl in caller.get_hookimpls()]
        ordered = [
            (name, plugin)
            for name, plugin in self._plugins_in_load_order()
            if any(plugin is p for p in implementers)
        ]
        for name, plugin in ordered:
            others = [p for _, p in ordered if p is not plugin]
            try:
                results = self._pm.subset_hook_caller(hook_name, others)(**kwargs)
            except Exception as exc:
                raise PluginError(
                    f"{self._pm.origin(name).label()}: {hook_name} failed: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            yield name, results

    def _records(
        self, hook_name: str, record_type: type[_T], **kwargs: object
    ) -> tuple[tuple[str, _T], ...]:
        def compute() -> tuple[tuple[str, _T], ...]:
            found: list[tuple[str, _T]] = []
            for name, results in self._per_plugin(hook_name, kwargs):
                for result in results:
                    if isinstance(result, (record_type, str, bytes)) or not isinstance(
                        result, Iterable
                    ):
                        raise PluginError(
                            f"{self._pm.origin(name).label()}: {hook_name} must return a list "
                            f"of {record_type.__name__}, got {result!r}"
                        )
                    for item in result:
                        if not isinstance(item, record_type):
                            raise PluginError(
                                f"{self._pm.origin(name).label()}: {hook_name} returned "
                                f"{item!r}, which is not a {record_type.__name__}"
                            )
                        found.append((name, item))
            return tuple(found)

        # Calls with arguments are cached by the caller, which knows what identifies them.
        return compute() if kwargs else self._cached(hook_name, compute)

    def _unique(
        self, what: str, pairs: Iterable[tuple[str, _T]], key: Callable[[_T], str]
    ) -> Mapping[str, _T]:
        seen: dict[str, tuple[str, _T]] = {}
        for plugin, item in pairs:
            name = key(item)
            if name in seen:
                first_plugin, first = seen[name]
                if first_plugin == plugin and first == item:
                    continue
                first_label = self._pm.origin(first_plugin).label()
                if first_plugin == plugin:
                    raise PluginError(
                        f"{first_label} registers two different {what}s named {name!r}"
                    )
                raise PluginError(
                    f"{what} {name!r} is registered by two plugins: {first_label} and "
                    f"{self._pm.origin(plugin).label()}; uninstall one, or choose with "
                    f"{LOAD_PLUGINS_ENV}"
                )
            seen[name] = (plugin, item)
        return MappingProxyType({name: item for name, (_, item) in seen.items()})

    # -------------------------------------------------------------- registries

    def institutions(self) -> Mapping[str, Institution]:
        """Every registered institution by name, in load order."""
        return self._cached(
            "institutions",
            lambda: self._unique(
                "institution",
                self._records("epireport_register_institutions", Institution),
                lambda i: i.name,
            ),
        )

    def institution(self, name: str | Institution) -> Institution:
        """Return the institution *name*; :class:`UsageError` listing the known ones if none."""
        if isinstance(name, Institution):
            return name
        institutions = self.institutions()
        if name not in institutions:
            raise _unknown("institution", name, institutions)
        return institutions[name]

    def _indicator_set_pairs(self) -> list[tuple[str, IndicatorSet, str | None]]:
        # (plugin, set, institution bundling it or None when registered on its own)
        pairs: list[tuple[str, IndicatorSet, str | None]] = [
            (plugin, s, None)
            for plugin, s in self._records("epireport_register_indicator_sets", IndicatorSet)
        ]
        for plugin, inst in self._records("epireport_register_institutions", Institution):
            pairs.extend((plugin, s, inst.name) for s in inst.indicator_sets)
        return pairs

    def indicator_sets(self) -> Mapping[str, IndicatorSet]:
        """Every indicator set, registered on its own or bundled in an institution, by name.

        Two plugins registering sets of one name is an error; an institution bundling a set
        equal to one registered elsewhere is not (that is how sets are shared).
        """

        def compute() -> Mapping[str, IndicatorSet]:
            pairs = self._indicator_set_pairs()
            registered = self._unique(
                "indicator set", [(p, s) for p, s, inst in pairs if inst is None], lambda s: s.name
            )
            found: dict[str, tuple[str, IndicatorSet]] = {
                name: (next(p for p, s, i in pairs if i is None and s.name == name), s)
                for name, s in registered.items()
            }
            for plugin, indicator_set, inst in pairs:
                if inst is None:
                    continue
                first = found.get(indicator_set.name)
                if first is None:
                    found[indicator_set.name] = (plugin, indicator_set)
                elif first[1] != indicator_set:
                    raise PluginError(
                        f"indicator set {indicator_set.name!r} is registered by two plugins: "
                        f"{self._pm.origin(first[0]).label()} and, differently, by institution "
                        f"{inst!r} of {self._pm.origin(plugin).label()}"
                    )
            return MappingProxyType({name: s for name, (_, s) in found.items()})

        return self._cached("indicator_sets", compute)

    def indicator_set(self, name: str) -> IndicatorSet:
        """Return the indicator set *name*; :class:`UsageError` listing the known ones if none."""
        sets = self.indicator_sets()
        if name not in sets:
            raise _unknown("indicator set", name, sets)
        return sets[name]

    def stages(self) -> Mapping[str, Period]:
        """Every registered named stage (a ``STAGE`` period) by name."""

        def compute() -> Mapping[str, Period]:
            pairs = self._records("epireport_register_stages", Period)
            for plugin, period in pairs:
                if period.type is not PeriodType.STAGE:
                    raise PluginError(
                        f"{self._pm.origin(plugin).label()}: epireport_register_stages returned "
                        f"{period}, a {period.type.value}; only named stages can be registered"
                    )
            return self._unique("stage", pairs, lambda p: p.name or "")

        return self._cached("stages", compute)

    def formats(self) -> Mapping[str, ReportFormat]:
        """Every registered report format by name, in load order."""
        return self._cached(
            "formats",
            lambda: self._unique(
                "format",
                self._records("epireport_register_formats", ReportFormat),
                lambda f: f.name,
            ),
        )

    def format(self, name: str) -> ReportFormat:
        """Return the format *name*; :class:`UsageError` listing the known ones if none."""
        formats = self.formats()
        if name not in formats:
            raise _unknown("format", name, formats)
        return formats[name]

    def input_loaders(self) -> Mapping[str, InputLoader]:
        """Every registered input loader by name, in load order."""
        return self._cached(
            "input_loaders",
            lambda: self._unique(
                "input loader",
                self._records("epireport_register_input_loaders", InputLoader),
                lambda loader: loader.name,
            ),
        )

    def input_loader_for(self, path: str | PathLike[str]) -> InputLoader:
        """Return the loader that reads *path* (``epireport_select_input_loader``)."""
        path = Path(path)
        loaders = tuple(self.input_loaders().values())
        chosen = self._pm.hook.epireport_select_input_loader(path=path, loaders=loaders)
        if chosen is None:
            known = "; ".join(f"{lo.name} ({', '.join(lo.suffixes)})" for lo in loaders)
            raise UsageError(
                f"no input loader reads {path.name!r}; installed loaders: {known or 'none'}"
            )
        if not isinstance(chosen, InputLoader):
            raise PluginError(
                f"epireport_select_input_loader returned {chosen!r}, which is not an InputLoader"
            )
        return chosen

    def load_input(
        self, path: str | PathLike[str], institution: str | Institution | None = None
    ) -> ReportInput:
        """Load the report input file *path* with the loader chosen for it.

        With *institution*, the file is also checked against what the institution declares.
        """
        inst = None if institution is None else self.institution(institution)
        return self.input_loader_for(path).load(Path(path), inst)

    def template_sources(self) -> tuple[TemplateSource, ...]:
        """Every template source in precedence order: highest priority first, ties to later plugins.

        Source names are unique across plugins.
        """

        def compute() -> tuple[TemplateSource, ...]:
            pairs = self._records("epireport_register_templates", TemplateSource)
            self._unique("template source", pairs, lambda s: s.name)
            rank = {name: index for index, (name, _) in enumerate(self._plugins_in_load_order())}
            # sorted() is stable, so one plugin's sources keep the order it gave them.
            ordered = sorted(pairs, key=lambda pair: (-pair[1].priority, -rank[pair[0]]))
            return tuple(source for _, source in ordered)

        return self._cached("template_sources", compute)

    def template_loader(self) -> jinja2.BaseLoader:
        """One Jinja2 loader over every source, in precedence order.

        ``<source name>::<template>`` reaches that source alone (to extend what it overrides).
        """

        def compute() -> jinja2.BaseLoader:
            sources = self.template_sources()
            loaders = {source.name: source.jinja_loader() for source in sources}
            return jinja2.ChoiceLoader(
                [jinja2.PrefixLoader(loaders, delimiter="::"), *loaders.values()]
            )

        return self._cached("template_loader", compute)

    def prepare_environment(
        self, env: jinja2.Environment, institution: str | Institution | None = None
    ) -> None:
        """Let every plugin add filters, tests and globals to *env*, in load order."""
        inst = None if institution is None else self.institution(institution)
        for _ in self._per_plugin(
            "epireport_prepare_environment", {"env": env, "institution": inst}
        ):
            pass

    def validation_rules(self, institution: str | Institution) -> tuple[ValidationRule, ...]:
        """Return the validation rules that apply to *institution*, names unique, in load order."""
        inst = self.institution(institution)

        def compute() -> tuple[ValidationRule, ...]:
            pairs = [
                (plugin, rule)
                for plugin, rule in self._records(
                    "epireport_register_validation_rules", ValidationRule, institution=inst
                )
                if rule.institution in (None, inst.name)
            ]
            return tuple(self._unique("validation rule", pairs, lambda r: r.name).values())

        return self._cached(("validation_rules", inst.name), compute)

    def lint_rules(self) -> Mapping[str, LintRule]:
        """Every registered lint rule by id, in load order."""
        return self._cached(
            "lint_rules",
            lambda: self._unique(
                "lint rule",
                self._records("epireport_register_lint_rules", LintRule),
                lambda r: r.id,
            ),
        )

    # -------------------------------------------------------------- introspection

    def describe(self) -> tuple[PluginDescription, ...]:
        """Describe every plugin in load order, without failing on duplicate names."""

        def by_plugin(
            pairs: Iterable[tuple[str, _T]], entry: Callable[[_T], tuple[str, str]]
        ) -> dict[str, dict[str, str]]:
            out: dict[str, dict[str, str]] = {}
            for plugin, item in pairs:
                key, text = entry(item)
                out.setdefault(plugin, {}).setdefault(key, text)
            return out

        institutions = by_plugin(
            self._records("epireport_register_institutions", Institution),
            lambda i: (i.name, i.title),
        )
        sets = by_plugin(
            [(p, s) for p, s, _ in self._indicator_set_pairs()], lambda s: (s.name, s.title)
        )
        formats = by_plugin(
            self._records("epireport_register_formats", ReportFormat), lambda f: (f.name, f.title)
        )
        templates = by_plugin(
            self._records("epireport_register_templates", TemplateSource),
            lambda s: (s.name, f"priority {s.priority}"),
        )
        loaders = by_plugin(
            self._records("epireport_register_input_loaders", InputLoader),
            lambda lo: (lo.name, " ".join(lo.suffixes)),
        )
        lint = by_plugin(
            self._records("epireport_register_lint_rules", LintRule),
            lambda r: (r.id, r.description),
        )
        stages = by_plugin(
            self._records("epireport_register_stages", Period), lambda p: (p.name or "", str(p))
        )
        described = []
        for name, plugin in self._plugins_in_load_order():
            origin = self._pm.origin(name)
            described.append(
                PluginDescription(
                    name=name,
                    kind=origin.kind,
                    distribution=origin.distribution,
                    version=origin.version,
                    hooks=tuple(sorted(c.name for c in self._pm.get_hookcallers(plugin) or ())),
                    institutions=MappingProxyType(institutions.get(name, {})),
                    indicator_sets=MappingProxyType(sets.get(name, {})),
                    formats=MappingProxyType(formats.get(name, {})),
                    templates=MappingProxyType(templates.get(name, {})),
                    input_loaders=MappingProxyType(loaders.get(name, {})),
                    lint_rules=MappingProxyType(lint.get(name, {})),
                    stages=MappingProxyType(stages.get(name, {})),
                )
            )
        return tuple(described)

"""The plugin manager: its factory, entry-point discovery, registration checks and origins.

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
``register_*`` hooks are called once (wrappers see every result) and their records are put back
in load order; ``prepare_*`` hooks are called plugin by plugin in load order, so a later
``prepare`` sees (and may override) what earlier ones did.

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

Only :class:`epireport.Plugins` (``epireport._plugins``) calls the manager's hooks: everything
else asks it.
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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import pluggy

from epireport import hookspecs
from epireport._builtins import BUILTIN_PLUGINS
from epireport._markers import ENTRY_POINT_GROUP
from epireport._version import __version__
from epireport.exceptions import EpireportPluginWarning, PluginError, UsageError

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "LOAD_PLUGINS_ENV",
    "STRICT_ENV",
    "TRACE_ENV",
    "EpireportPluginManager",
    "PluginKind",
    "PluginOrigin",
    "check_hooks",
    "discover_entry_points",
    "make_plugin_manager",
    "register_plugin",
]

STRICT_ENV = "EPIREPORT_STRICT_PLUGINS"
LOAD_PLUGINS_ENV = "EPIREPORT_LOAD_PLUGINS"
DISABLE_AUTOLOAD_ENV = "EPIREPORT_DISABLE_PLUGIN_AUTOLOAD"
TRACE_ENV = "EPIREPORT_TRACE_PLUGINS"

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

"""The typed facade over the hooks: what the plugins of one manager register and do.

:class:`Plugins` is the only caller of ``pm.hook``. Each registry (institutions, formats,
input loaders ...) is one :class:`Registry` declaration below, and one shared path does the
rest for all of them: call the hook once (so tracing, ``tryfirst``/``trylast``, old-style and
``wrapper=True`` wrappers all work as pluggy documents them), check what came back, refuse
duplicates, look names up with a did-you-mean, and describe every plugin. Which plugin gave
which record is worked out only when a message or ``describe()`` needs it, by asking each
implementation on its own.

The manager itself (load order, entry points, registration checks) lives in
:mod:`epireport._manager`; the markers in :mod:`epireport._markers`.
"""

from __future__ import annotations

import difflib
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from os import PathLike
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import pluggy

from epireport._manager import (
    DISABLE_AUTOLOAD_ENV,
    LOAD_PLUGINS_ENV,
    STRICT_ENV,
    TRACE_ENV,
    EpireportPluginManager,
    PluginKind,
    PluginOrigin,
    check_hooks,
    discover_entry_points,
    make_plugin_manager,
    register_plugin,
)
from epireport._markers import ENTRY_POINT_GROUP, hookimpl
from epireport.aggregate._rules import ValidationRule
from epireport.exceptions import InputError, PluginError, UsageError
from epireport.io._loaders import InputLoader, LoadContext
from epireport.lint._rules import LintRule
from epireport.model._indicators import IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period, PeriodType
from epireport.narrative._templates import TemplateSource
from epireport.render._formats import ReportFormat

if TYPE_CHECKING:
    import jinja2

    from epireport.io._normalise import Batch, CodeMapping
    from epireport.model._report import ReportInput

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_PLUGINS_ENV",
    "REGISTRIES",
    "STRICT_ENV",
    "TRACE_ENV",
    "EpireportPluginManager",
    "PluginDescription",
    "PluginKind",
    "PluginOrigin",
    "Plugins",
    "Registry",
    "check_hooks",
    "discover_entry_points",
    "hookimpl",
    "make_plugin_manager",
    "register_plugin",
]

_T = TypeVar("_T")


# ------------------------------------------------------------------------------ registries


def _stage_only(period: Period) -> str | None:
    if period.type is PeriodType.STAGE:
        return None
    return f"returned {period}, a {period.type.value}; only named stages can be registered"


@attrs.frozen
class Registry(Generic[_T]):
    """One kind of record plugins register: its hook, type, key and how it is described.

    ``key`` names a record (unique across plugins); ``summary`` is the text ``epireport
    plugins`` shows beside the key; ``check``, when given, returns what is wrong with a record
    the type alone cannot tell (``None`` when nothing is).
    """

    attribute: str
    hook: str
    record: type[_T]
    what: str
    key: Callable[[_T], str]
    summary: Callable[[_T], str]
    check: Callable[[_T], str | None] | None = None


#: Every registry, in the order ``epireport plugins`` lists them. Validation rules are not
#: here: they are registered per institution (the hook takes it) and listed by ``check``.
REGISTRIES: tuple[Registry[Any], ...] = (
    Registry(
        "institutions",
        "epireport_register_institutions",
        Institution,
        "institution",
        operator.attrgetter("code"),
        operator.attrgetter("title"),
    ),
    Registry(
        "indicator_sets",
        "epireport_register_indicator_sets",
        IndicatorSet,
        "indicator set",
        operator.attrgetter("code"),
        operator.attrgetter("title"),
    ),
    Registry(
        "formats",
        "epireport_register_formats",
        ReportFormat,
        "format",
        operator.attrgetter("code"),
        operator.attrgetter("title"),
    ),
    Registry(
        "templates",
        "epireport_register_templates",
        TemplateSource,
        "template source",
        operator.attrgetter("code"),
        lambda s: f"priority {s.priority}",
    ),
    Registry(
        "input_loaders",
        "epireport_register_input_loaders",
        InputLoader,
        "input loader",
        operator.attrgetter("code"),
        lambda lo: " ".join(lo.suffixes),
    ),
    Registry(
        "lint_rules",
        "epireport_register_lint_rules",
        LintRule,
        "lint rule",
        operator.attrgetter("id"),
        operator.attrgetter("description"),
    ),
    Registry(
        "stages",
        "epireport_register_stages",
        Period,
        "stage",
        lambda p: p.name or "",
        str,
        check=_stage_only,
    ),
)
_BY_ATTRIBUTE: Mapping[str, Registry[Any]] = {r.attribute: r for r in REGISTRIES}
_VALIDATION_RULES: Registry[ValidationRule] = Registry(
    "validation_rules",
    "epireport_register_validation_rules",
    ValidationRule,
    "validation rule",
    operator.attrgetter("code"),
    operator.attrgetter("description"),
)


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
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind.value,
            "distribution": self.distribution,
            "version": self.version,
        }
        for registry in REGISTRIES:
            out[registry.attribute] = dict(getattr(self, registry.attribute))
        out["hooks"] = list(self.hooks)
        return out


def _unknown(what: str, name: str, known: Iterable[str]) -> UsageError:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(names) if names else "none (install a plugin that provides one)"
    return UsageError(f"unknown {what} {name!r}{hint} Installed: {listing}")


def _frames(tb: TracebackType | None) -> Iterator[object]:
    while tb is not None:
        yield tb.tb_frame.f_code
        tb = tb.tb_next


def _code_of(function: Callable[..., object]) -> object:
    return getattr(getattr(function, "__func__", function), "__code__", None)


# ------------------------------------------------------------------------------ the facade


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

    def _label(self, plugin_name: str | None) -> str:
        if plugin_name is None:
            return "a hook wrapper"
        return self._pm.origin(plugin_name).label()

    def _each_implementation(
        self, hook_name: str, kwargs: Mapping[str, object]
    ) -> Iterator[tuple[str, Any]]:
        # For messages and describe() only: call each (non-wrapper) implementation on its own
        # and say which plugin it belongs to. Load order; failures are skipped, since the real
        # call already reported them.
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook_name)
        impls = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
        rank = {name: index for index, (name, _) in enumerate(self._plugins_in_load_order())}
        named = [(self._pm.get_name(impl.plugin) or "?", impl) for impl in impls]
        for name, impl in sorted(named, key=lambda pair: rank.get(pair[0], -1)):
            try:
                result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception:
                continue
            yield name, result

    def _who_gave(self, hook_name: str, kwargs: Mapping[str, object], item: object) -> str | None:
        for name, result in self._each_implementation(hook_name, kwargs):
            if result is item:
                return name
            try:
                if any(record is item or record == item for record in result):
                    return name
            except TypeError:
                continue
        return None

    def _culprit(self, hook_name: str, exc: BaseException) -> str:
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook_name)
        codes = set(_frames(exc.__traceback__))
        for impl in caller.get_hookimpls():
            if _code_of(impl.function) in codes:
                return self._label(self._pm.get_name(impl.plugin))
        return "a plugin"

    def _call(self, hook_name: str, kwargs: Mapping[str, object]) -> Any:
        try:
            return getattr(self._pm.hook, hook_name)(**kwargs)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                f"{self._culprit(hook_name, exc)}: {hook_name} failed: {type(exc).__name__}: {exc}"
            ) from exc

    def _records(
        self, registry: Registry[_T], **kwargs: object
    ) -> tuple[tuple[str | None, _T], ...]:
        # One pm.hook call. Pluggy calls the last registered implementation first; reversing
        # its results gives load order (built-ins, entry points, explicit plugins). Each record
        # comes with the plugin that gave it when the results line up with the implementations
        # (no wrapper changed their number), else None: _owner() then asks each one.
        def compute() -> tuple[tuple[str | None, _T], ...]:
            caller: pluggy.HookCaller = getattr(self._pm.hook, registry.hook)
            results = list(reversed(self._call(registry.hook, kwargs)))
            impls = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
            owners: list[str | None] = [self._pm.get_name(i.plugin) for i in impls]
            if len(owners) != len(results):
                owners = [None] * len(results)
            found: list[tuple[str | None, _T]] = []
            for owner, result in zip(owners, results, strict=True):
                if isinstance(result, (registry.record, str, bytes)) or not isinstance(
                    result, Iterable
                ):
                    who = owner or self._who_gave(registry.hook, kwargs, result)
                    raise PluginError(
                        f"{self._label(who)}: {registry.hook} must return a list of "
                        f"{registry.record.__name__}, got {result!r}"
                    )
                for item in result:
                    problem = (
                        f"returned {item!r}, which is not a {registry.record.__name__}"
                        if not isinstance(item, registry.record)
                        else (registry.check(item) if registry.check is not None else None)
                    )
                    if problem is not None:
                        who = owner or self._who_gave(registry.hook, kwargs, item)
                        raise PluginError(f"{self._label(who)}: {registry.hook} {problem}")
                    found.append((owner, item))
            return tuple(found)

        # Calls with arguments are cached by the caller, which knows what identifies them.
        return compute() if kwargs else self._cached(("records", registry.hook), compute)

    def _unique(
        self,
        registry: Registry[_T],
        pairs: Iterable[tuple[str | None, _T]],
        **kwargs: object,
    ) -> Mapping[str, _T]:
        seen: dict[str, tuple[str | None, _T]] = {}
        for owner, item in pairs:
            name = registry.key(item)
            if name not in seen:
                seen[name] = (owner, item)
                continue
            first_owner, first = seen[name]
            first_plugin = first_owner or self._who_gave(registry.hook, kwargs, first)
            plugin = owner or self._who_gave(registry.hook, kwargs, item)
            if first_plugin == plugin:
                if first == item:
                    continue
                raise PluginError(
                    f"{self._label(plugin)} registers two different {registry.what}s named {name!r}"
                )
            raise PluginError(
                f"{registry.what} {name!r} is registered by two plugins: "
                f"{self._label(first_plugin)} and {self._label(plugin)}; uninstall one, or "
                f"choose with {LOAD_PLUGINS_ENV}"
            )
        return MappingProxyType({name: item for name, (_, item) in seen.items()})

    def _owned(self, registry: Registry[_T]) -> Iterator[tuple[str, _T]]:
        # Every record with the plugin that gave it (describe() and messages).
        for owner, item in self._records(registry):
            who = owner or self._who_gave(registry.hook, {}, item)
            yield (who or "a hook wrapper"), item

    def _registry(self, attribute: str) -> Mapping[str, Any]:
        registry = _BY_ATTRIBUTE[attribute]
        return self._cached(
            ("registry", attribute), lambda: self._unique(registry, self._records(registry))
        )

    def _lookup(self, attribute: str, name: str) -> Any:
        found = (
            self.indicator_sets() if attribute == "indicator_sets" else self._registry(attribute)
        )
        if name not in found:
            raise _unknown(_BY_ATTRIBUTE[attribute].what, name, found)
        return found[name]

    # -------------------------------------------------------------- registries

    def institutions(self) -> Mapping[str, Institution]:
        """Every registered institution by name, in load order."""
        return self._registry("institutions")

    def institution(self, name: str | Institution) -> Institution:
        """Return the institution *name*; :class:`UsageError` listing the known ones if none."""
        if isinstance(name, Institution):
            return name
        found: Institution = self._lookup("institutions", name)
        return found

    def indicator_sets(self) -> Mapping[str, IndicatorSet]:
        """Every indicator set, registered on its own or bundled in an institution, by name.

        Two plugins registering sets of one name is an error; an institution bundling a set
        equal to one registered elsewhere is not (that is how sets are shared).
        """

        def compute() -> Mapping[str, IndicatorSet]:
            registry = _BY_ATTRIBUTE["indicator_sets"]
            pairs = self._records(registry)
            found = {
                name: (owner, s)
                for name, s in self._unique(registry, pairs).items()
                for owner in [next(o for o, x in pairs if x is s)]
            }
            for bundler, inst in self._records(_BY_ATTRIBUTE["institutions"]):
                for indicator_set in inst.indicator_sets:
                    owner, first = found.setdefault(indicator_set.code, (bundler, indicator_set))
                    if first != indicator_set:
                        raise PluginError(
                            f"indicator set {indicator_set.code!r} is registered by two "
                            f"plugins: {self._label(owner)} and, differently, by institution "
                            f"{inst.code!r} of {self._label(bundler)}"
                        )
            return MappingProxyType({name: s for name, (_, s) in found.items()})

        return self._cached("indicator_sets", compute)

    def indicator_set(self, name: str) -> IndicatorSet:
        """Return the indicator set *name*; :class:`UsageError` listing the known ones if none."""
        found: IndicatorSet = self._lookup("indicator_sets", name)
        return found

    def stages(self) -> Mapping[str, Period]:
        """Every registered named stage (a ``STAGE`` period) by name."""
        return self._registry("stages")

    def period(self, text: str | Period) -> Period:
        """Parse a period id, or the bare name of a registered stage (``第一阶段``)."""
        if isinstance(text, Period):
            return text
        from epireport.io._convert import resolve_period

        return resolve_period(text, self.stages())

    def formats(self) -> Mapping[str, ReportFormat]:
        """Every registered report format by name, in load order."""
        return self._registry("formats")

    def format(self, name: str) -> ReportFormat:
        """Return the format *name*; :class:`UsageError` listing the known ones if none."""
        found: ReportFormat = self._lookup("formats", name)
        return found

    def input_loaders(self) -> Mapping[str, InputLoader]:
        """Every registered input loader by name, in load order."""
        return self._registry("input_loaders")

    def input_loader_for(self, path: str | PathLike[str]) -> InputLoader:
        """Return the loader that reads *path* (``epireport_select_input_loader``)."""
        path = Path(path)
        loaders = tuple(self.input_loaders().values())
        chosen = self._call("epireport_select_input_loader", {"path": path, "loaders": loaders})
        if chosen is None:
            known = "; ".join(f"{lo.code} ({', '.join(lo.suffixes)})" for lo in loaders)
            raise UsageError(
                f"no input loader reads {path.name!r}; installed loaders: {known or 'none'}"
            )
        if not isinstance(chosen, InputLoader):
            raise PluginError(
                f"epireport_select_input_loader returned {chosen!r}, which is not an InputLoader"
            )
        return chosen

    def load(
        self,
        path: str | PathLike[str],
        institution: str | Institution | None = None,
        *,
        mapping: CodeMapping | None = None,
    ) -> ReportInput | Batch:
        """Read *path* with the loader chosen for it: the one way in for every input.

        Returns what the loader returns: a whole report input, or a batch of data values.
        With *institution*, the file is checked against it; without, against the institution
        the file names. Problems are raised as one :class:`InputError`.
        """
        inst = None if institution is None else self.institution(institution)
        context = LoadContext(
            name=os.fspath(path),
            institution=inst,
            mapping=mapping,
            stages=self.stages(),
            resolver=self.institution,
        )
        loader = self.input_loader_for(path)
        from epireport.io._convert import known_stages

        # Around the whole load, so a plugin's loader that calls load_report gets stages too.
        with known_stages(context.stages):
            loaded = loader.load(Path(path), context)
        from epireport.io._normalise import Batch
        from epireport.model._report import ReportInput

        if not isinstance(loaded, ReportInput | Batch):
            raise PluginError(
                f"input loader {loader.code!r} returned {loaded!r}, which is neither a "
                "ReportInput nor a Batch"
            )
        return loaded

    def load_input(
        self, path: str | PathLike[str], institution: str | Institution | None = None
    ) -> ReportInput:
        """Load the report input file *path* (what ``render`` and ``check`` read).

        A file that holds data values for the store (a CSV export, a DHIS2 payload, a form)
        is a :class:`UsageError` saying to ingest it and render from the store.
        """
        from epireport.io._normalise import Batch

        loaded = self.load(path, institution)
        if isinstance(loaded, Batch):
            if loaded.problems:
                raise InputError(loaded.problems, source=loaded.source)
            raise UsageError(
                f"{os.fspath(path)} holds data values, not a report input: ingest it into a "
                "store (epireport ingest STORE FILE) and render from there (render --db STORE)"
            )
        return loaded

    def load_batch(
        self,
        path: str | PathLike[str],
        institution: str | Institution | None = None,
        *,
        mapping: CodeMapping | None = None,
    ) -> Batch:
        """Load *path* as data values for the store (what ``ingest`` reads).

        A report input becomes its values, org units and institution; problems come back in
        the batch (a batch with problems must not be stored), never half a file.
        """
        from epireport.io._normalise import Batch

        source = os.fspath(path)
        try:
            loaded = self.load(path, institution, mapping=mapping)
        except InputError as exc:
            return Batch(source, problems=exc.problems)
        if isinstance(loaded, Batch):
            return loaded
        from epireport.model._units import OrgUnit

        # A report declares its org tree, or at least its own unit (unit and unit_name).
        if loaded.tree is not None:
            units: tuple[OrgUnit, ...] = loaded.tree.units
        else:
            units = (OrgUnit(loaded.unit, loaded.display_name),)
        return Batch(
            source,
            values=loaded.values,
            rows=tuple(f"$.values[{i}]" for i in range(len(loaded.values))),
            units=units,
            institution=loaded.institution,
        )

    def template_sources(self) -> tuple[TemplateSource, ...]:
        """Every template source in precedence order: highest priority first, ties to later plugins.

        Source names are unique across plugins.
        """

        def compute() -> tuple[TemplateSource, ...]:
            sources = tuple(self._registry("templates").values())
            # Records come in load order; among equal priorities the later one comes first.
            ranked = sorted(enumerate(sources), key=lambda pair: (-pair[1].priority, -pair[0]))
            return tuple(source for _, source in ranked)

        return self._cached("template_sources", compute)

    def template_loader(self) -> jinja2.BaseLoader:
        """One Jinja2 loader over every source, in precedence order.

        ``<source name>::<template>`` reaches that source alone (to extend what it overrides).
        """
        import jinja2

        def compute() -> jinja2.BaseLoader:
            sources = self.template_sources()
            loaders = {source.code: source.jinja_loader() for source in sources}
            return jinja2.ChoiceLoader(
                [jinja2.PrefixLoader(loaders, delimiter="::"), *loaders.values()]
            )

        return self._cached("template_loader", compute)

    def prepare_environment(
        self, env: jinja2.Environment, institution: str | Institution | None = None
    ) -> None:
        """Let every plugin add filters, tests and globals to *env*, in load order.

        Unlike the registries, this hook is called plugin by plugin (through pluggy's subset
        callers, so wrappers and tracing still apply to each call): pluggy alone would call the
        last registered plugin first, and a later plugin must see, and may override, what an
        earlier one prepared.
        """
        inst = None if institution is None else self.institution(institution)
        kwargs = {"env": env, "institution": inst}
        hook = "epireport_prepare_environment"
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook)
        impls = caller.get_hookimpls()
        plain = [i.plugin for i in impls if not (i.wrapper or i.hookwrapper)]
        ordered = [
            (name, plugin)
            for name, plugin in self._plugins_in_load_order()
            if any(plugin is p for p in plain)
        ]
        if not ordered:
            self._call(hook, kwargs)  # wrappers alone still see the call
            return
        for name, plugin in ordered:
            # Each call leaves out the other plain implementations but keeps every wrapper, so a
            # wrapper wraps each plugin's preparation.
            others = [p for _, p in ordered if p is not plugin]
            try:
                self._pm.subset_hook_caller(hook, others)(**kwargs)
            except Exception as exc:
                raise PluginError(
                    f"{self._label(name)}: {hook} failed: {type(exc).__name__}: {exc}"
                ) from exc

    def validation_rules(self, institution: str | Institution) -> tuple[ValidationRule, ...]:
        """Return the validation rules that apply to *institution*, names unique, in load order."""
        inst = self.institution(institution)

        def compute() -> tuple[ValidationRule, ...]:
            kwargs = {"institution": inst}
            rules = [
                (owner, rule)
                for owner, rule in self._records(_VALIDATION_RULES, **kwargs)
                if rule.institution in (None, inst.code)
            ]
            return tuple(self._unique(_VALIDATION_RULES, rules, **kwargs).values())

        return self._cached(("validation_rules", inst.code), compute)

    def lint_rules(self) -> Mapping[str, LintRule]:
        """Every registered lint rule by id, in load order."""
        return self._registry("lint_rules")

    # -------------------------------------------------------------- introspection

    def describe(self) -> tuple[PluginDescription, ...]:
        """Describe every plugin in load order, without failing on duplicate names."""
        by_registry: dict[str, dict[str, dict[str, str]]] = {}
        for registry in REGISTRIES:
            table: dict[str, dict[str, str]] = {}
            for owner, item in self._owned(registry):
                table.setdefault(owner, {}).setdefault(registry.key(item), registry.summary(item))
            by_registry[registry.attribute] = table
        # Indicator sets bundled in an institution belong to the institution's plugin.
        for owner, inst in self._owned(_BY_ATTRIBUTE["institutions"]):
            entry = by_registry["indicator_sets"].setdefault(owner, {})
            for s in inst.indicator_sets:
                entry.setdefault(s.code, s.title)
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
                    **{
                        attribute: MappingProxyType(table.get(name, {}))
                        for attribute, table in by_registry.items()
                    },
                )
            )
        return tuple(described)

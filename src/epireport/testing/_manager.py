"""Plugin managers for tests: strict, no entry points, registration that always undoes itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from epireport._plugins import (
    EpireportPluginManager,
    Plugins,
    check_hooks,
    make_plugin_manager,
    register_plugin,
)

__all__ = ["plugin_manager", "registered"]


def plugin_manager(*plugins: object) -> EpireportPluginManager:
    """Return a strict plugin manager with the built-ins and *plugins*, and no entry points.

    Installed third-party plugins never leak into a test this way, and a broken plugin raises
    :class:`~epireport.exceptions.PluginError` instead of warning.
    """
    return make_plugin_manager(plugins=plugins, autoload=False, strict=True)


@contextlib.contextmanager
def registered(
    pm_or_plugin: EpireportPluginManager | Plugins | object, *plugins: object
) -> Iterator[Plugins]:
    """Register *plugins* for the duration of a ``with`` block and yield a fresh :class:`Plugins`.

    The first argument is either the manager (or ``Plugins``) to register into, or simply the
    first plugin, in which case a new :func:`plugin_manager` is used. The plugins are
    unregistered on the way out, even when the block raises or registration fails halfway::

        with registered(FakeInstitutionPlugin) as plugins:
            assert "fake" in plugins.institutions()
    """
    if isinstance(pm_or_plugin, Plugins):
        pm = pm_or_plugin.manager
    elif isinstance(pm_or_plugin, EpireportPluginManager):
        pm = pm_or_plugin
    else:
        pm = plugin_manager()
        plugins = (pm_or_plugin, *plugins)
    added: list[object] = []
    try:
        for plugin in plugins:
            register_plugin(pm, plugin)
            added.append(plugin)
        check_hooks(pm)
        yield Plugins(pm)
    finally:
        for plugin in reversed(added):
            if pm.is_registered(plugin):
                pm.unregister(plugin)

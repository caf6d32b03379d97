"""The pluggy markers and the entry-point group: all a plugin module needs at import time.

Kept apart from :mod:`epireport._plugins` (the manager, which imports Jinja2 and the records)
so that ``from epireport.plugin import hookimpl`` costs little more than importing pluggy.
"""

from __future__ import annotations

import pluggy

__all__ = ["ENTRY_POINT_GROUP", "hookimpl", "hookspec"]

#: The entry-point group, the marker name and the plugin manager's project name.
ENTRY_POINT_GROUP = "epireport"

#: The marker plugin authors put on hook implementations: ``@epireport.plugin.hookimpl``.
hookimpl = pluggy.HookimplMarker(ENTRY_POINT_GROUP)

#: The marker of hook specifications (in :mod:`epireport.hookspecs`).
hookspec = pluggy.HookspecMarker(ENTRY_POINT_GROUP)

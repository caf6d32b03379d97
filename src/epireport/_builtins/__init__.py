"""Built-in behaviour, written as ordinary plugins and registered like third-party ones.

Each module listed in :data:`BUILTIN_PLUGINS` is imported by the plugin manager factory and
registered before any entry point, under the name ``epireport.<module>``. To add built-in
behaviour, write a module of ``@hookimpl`` functions here and append its dotted name.
"""

__all__ = ["BUILTIN_PLUGINS"]

#: Dotted module names, registered in this order before every third-party plugin.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "epireport._builtins.loaders",
    "epireport._builtins.formats",
    "epireport._builtins.lint_rules",
    "epireport._builtins.validation_rules",
)

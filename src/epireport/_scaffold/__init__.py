"""``epireport new-plugin``: write a working plugin distribution from the files beside this one.

The ``*.tmpl`` files use :class:`string.Template` (``${name}``) rather than Jinja2, so the
report template inside them keeps its own ``{{ }}`` untouched.
"""

from __future__ import annotations

import keyword
import re
from importlib.resources import files
from pathlib import Path
from string import Template

from epireport.exceptions import UsageError

__all__ = ["scaffold"]

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

#: template file -> path inside the new distribution (``{package}``/``{name}`` filled in)
_LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "__init__.py.tmpl": "src/{package}/__init__.py",
    "plugin.py.tmpl": "src/{package}/plugin.py",
    "report.md.j2.tmpl": "src/{package}/templates/{name}/report.md.j2",
    "example.yaml.tmpl": "src/{package}/example.yaml",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
}


def scaffold(name: str, directory: Path, *, title: str = "示例单位") -> Path:
    """Write the distribution ``epireport-NAME`` into *directory*; return its root.

    NAME is the institution's registry name (lower-case ASCII words joined by hyphens); the
    import package is ``epireport_<name>``. An existing target directory is refused rather
    than overwritten.
    """
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"plugin name {name!r}: expected lower-case ASCII words joined by hyphens, "
            "such as 'county-health'"
        )
    package = "epireport_" + name.replace("-", "_")
    if keyword.iskeyword(package):  # pragma: no cover - cannot happen with the prefix
        raise UsageError(f"plugin name {name!r} gives an invalid package name")
    root = directory / f"epireport-{name}"
    if root.exists():
        raise UsageError(f"{root} already exists; choose another name or --path")
    values = {"name": name, "package": package, "title": title}
    source = files("epireport._scaffold")
    for template, target in _LAYOUT.items():
        text = Template(source.joinpath(template).read_text(encoding="utf-8")).substitute(values)
        path = root / target.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "src" / package / "py.typed").write_text("", encoding="utf-8")
    return root

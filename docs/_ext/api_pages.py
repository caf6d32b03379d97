"""A mkdocs hook: list where each re-exported name of a package is documented.

``epireport`` and ``epireport.plugin`` re-export names whose home is another public module (the
model's records, ``InputLoader`` ...). Each object is documented once, on its module's page; the
pages of the re-exporting packages hold the marker ``<!-- reexports: PACKAGE -->``, which this
hook replaces with the names grouped by the page that documents them, each a cross-reference.
The names are read from the package's source (its ``lazy_reexports`` block), so a new export
shows up by itself, and the strict build fails if it is documented nowhere.

A name whose module is private (``epireport._pipeline``) is rendered under a public path by
some page (``epireport.load_input`` on the package's own page, ``epireport.plugin.LoadContext``
on the ``epireport.io`` page); such names are listed without a module, unless the page itself
renders them. Loaded by mkdocs.yml (``hooks:``); not part of epireport.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[2] / "src"
MARKER = re.compile(r"<!-- reexports: ([\w.]+) -->")


def reexports(package: str) -> dict[str, str]:
    """Return ``name -> module`` for every ``from module import name`` of *package*'s source."""
    path = SRC.joinpath(*package.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = alias.asname or alias.name
                if not name.startswith("_") and node.module != "epireport._lazy":
                    found[name] = node.module
    return found


def is_private(module: str) -> bool:
    """Whether *module* is implementation (a part of its path starts with ``_``)."""
    return any(part.startswith("_") for part in module.split("."))


def reexport_list(package: str, page_markdown: str = "") -> str:
    """Return the Markdown list of *package*'s names that *page_markdown* does not render."""
    groups: dict[str, list[str]] = {}
    for name, module in sorted(reexports(package).items(), key=lambda item: item[0].lower()):
        if f"::: {package}.{name}\n" in page_markdown:
            continue
        # A private module's object is reached by its canonical path (always an autorefs
        # alias), wherever a page renders it.
        home = package if is_private(module) else module
        groups.setdefault(home, []).append(f"[`{name}`][{module}.{name}]")
    lines = [
        f"- from [`{home}`][{home}]: " + ", ".join(names)
        for home, names in sorted(groups.items())
        if home != package
    ]
    if package in groups:  # private homes, rendered on the page of the module that uses them
        lines.insert(0, "- " + ", ".join(groups[package]))
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace each marker with the list of its package (mkdocs event)."""
    return MARKER.sub(lambda match: reexport_list(match.group(1), markdown), markdown)

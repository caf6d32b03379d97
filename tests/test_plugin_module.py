"""epireport.plugin: the one surface plugin authors import, light and complete."""

import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import epireport
import epireport.plugin
from epireport import _markers, hookspecs
from epireport._lazy import lazy_reexports

ROOT = Path(__file__).resolve().parents[1]

#: What plugin authors copy from: the reference plugins (sources, tests, scripts), the
#: scaffold's templates and the documentation's examples.
SCANNED = [
    *sorted((ROOT / "plugins").glob("**/*.py")),
    *sorted((ROOT / "src/epireport/_scaffold").glob("*.tmpl")),
    *sorted((ROOT / "docs/examples").glob("*.py")),
]

# `from epireport.x._y import`, `import epireport._y`, `from epireport.x import _y`. ruff's
# banned-api matches exact module names only, so it cannot say "any private module".
PRIVATE_IMPORT = re.compile(
    r"^\s*(?:from\s+epireport(?:\.\w+)*\._\w+[\w.]*\s+import\b"
    r"|import\s+epireport(?:\.\w+)*\._\w+"
    r"|from\s+epireport(?:\.\w+)*\s+import\s+\(?\s*_\w+)",
    re.MULTILINE,
)

#: Private imports still allowed: none. What a plugin needs gets a public name instead.
ALLOWED: set[tuple[str, int]] = set()

#: Modules that only using a record may load, never `import epireport.plugin` + `hookimpl`.
HEAVY = ("attrs", "cattrs", "jinja2", "yaml", "dateutil", "epireport.model", "epireport.io")


def test_hookimpl_is_the_one_marker() -> None:
    """epireport.plugin.hookimpl is epireport.hookimpl, the marker of epireport._markers."""
    assert epireport.plugin.hookimpl is epireport.hookimpl is _markers.hookimpl


@pytest.mark.parametrize("name", epireport.plugin.__all__)
def test_every_name_imports_and_is_documented(name: str) -> None:
    """Every name epireport.plugin exports resolves, and each class carries a docstring."""
    value = getattr(epireport.plugin, name)
    if inspect.isclass(value):
        assert inspect.getdoc(value), f"epireport.plugin.{name} has no docstring"


@pytest.mark.parametrize("name", sorted(set(epireport.plugin.__all__) & set(epireport.__all__)))
def test_names_shared_with_epireport_are_the_same_objects(name: str) -> None:
    """A name exported by both epireport and epireport.plugin is one object."""
    assert getattr(epireport.plugin, name) is getattr(epireport, name)


def test_every_record_a_hook_returns_is_exported() -> None:
    """Each type in a hookspec's signature (but Jinja2's and pathlib's) is in epireport.plugin."""
    named = set()
    for name in hookspecs.__all__:
        if not name.startswith("epireport_"):
            continue
        for annotation in getattr(hookspecs, name).__annotations__.values():
            named.update(re.findall(r"\b[A-Z]\w+", str(annotation)))
    named -= {"Iterable", "Sequence", "None", "Path", "Environment"}
    assert named, "no record types found in the hookspecs"
    assert named <= set(epireport.plugin.__all__)


def test_dir_lists_the_exports() -> None:
    """dir(epireport.plugin) offers every exported name, for completion in editors."""
    assert set(epireport.plugin.__all__) <= set(dir(epireport.plugin))


def test_importing_the_marker_loads_no_records() -> None:
    """Importing epireport.plugin's hookimpl loads pluggy, not attrs, Jinja2, cattrs or records."""
    code = textwrap.dedent(
        f"""
        import sys
        from epireport.plugin import hookimpl
        print(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}
                     or m.startswith({HEAVY!r})))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_building_a_template_source_does_not_import_jinja2() -> None:
    """A plugin's TemplateSource is built without Jinja2, which loads with the templates."""
    code = textwrap.dedent(
        """
        import sys
        from epireport.plugin import TemplateSource
        TemplateSource("x", package="epireport")
        print("jinja2" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plugins_and_templates_import_no_private_module() -> None:
    """Plugins, the scaffold and the docs' examples import public names only."""
    assert SCANNED
    found = {}
    for path in SCANNED:
        hits = PRIVATE_IMPORT.findall(path.read_text(encoding="utf-8"))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = len(hits)
    assert set(found.items()) <= ALLOWED, found


def test_the_private_import_pattern_catches_each_form() -> None:
    """The scan recognises the three spellings of a private import, and not public ones."""
    for line in (
        "from epireport.model._institution import Institution",
        "    from epireport._plugins import Plugins",
        "import epireport.io._convert",
        "from epireport.narrative import _figures",
    ):
        assert PRIVATE_IMPORT.search(line), line
    for line in ("from epireport.plugin import hookimpl", "import epireport.model"):
        assert not PRIVATE_IMPORT.search(line), line


def _declare(block: str) -> dict[str, object]:
    # exec, because lazy_reexports records the imports of the module whose globals it is given.
    namespace: dict[str, object] = {"__name__": "epireport", "lazy_reexports": lazy_reexports}
    exec(f"with lazy_reexports(globals()):\n{textwrap.indent(block, '    ')}", namespace)
    return namespace


class TestLazyReexports:
    def test_the_block_becomes_all_getattr_and_dir(self) -> None:
        """Recorded imports are removed, listed sorted in __all__ and loaded on first use."""
        namespace = _declare(
            "from json import loads as loads\n"
            "from json import JSONDecodeError as Bad\n"
            "from collections import OrderedDict as OrderedDict\n"
        )
        assert namespace["__all__"] == ["Bad", "OrderedDict", "loads"]
        assert "loads" not in namespace
        assert "json" not in namespace
        getattr_ = namespace["__getattr__"]
        assert callable(getattr_)
        import json

        assert getattr_("Bad") is json.JSONDecodeError
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            getattr_("nope")

    @pytest.mark.parametrize("statement", ["import json", "from . import x", "from json import *"])
    def test_other_imports_are_refused(self, statement: str) -> None:
        """Only absolute from-imports of names declare exports, so every name has one module."""
        with pytest.raises(ImportError, match=r"only 'from absolute\.module"):
            _declare(statement)

    def test_the_real_import_is_restored(self) -> None:
        """After the block, even one that failed, import statements import again."""
        import builtins

        before = builtins.__import__
        with pytest.raises(ImportError):
            _declare("import json")
        assert builtins.__import__ is before

"""The documentation is true: every example under docs/examples runs, and the site builds strictly.

Examples whose output the pages show in full are compared with ``docs/examples/output/*.txt``
(the same files the pages include). After an intended change, rewrite those files with
``EPIREPORT_UPDATE_DOC_OUTPUTS=1 python3 -m pytest tests/test_docs_examples.py``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
OUTPUTS = EXAMPLES / "output"
UPDATE = os.environ.get("EPIREPORT_UPDATE_DOC_OUTPUTS") == "1"

#: Examples whose whole output a page includes, so it must match the stored file exactly.
SNAPSHOTS = [
    "categories",
    "facts_provenance",
    "indicator_set",
    "lint_run",
    "measures",
    "minimal_plugin",
    "number_formats",
    "org_tree",
    "periods",
    "rules",
]
#: Examples checked by the statements a page quotes from their output, and what they need.
CHECKED = {
    "excel_forms": ("epireport_property_company", "openpyxl"),
    "fixture_tests": ("epireport_property_company", "hypothesis", "docx"),
    "override_block": ("epireport_district_publicity",),
    "plugin_tests": ("epireport_property_company", "hypothesis"),
    "render_report": ("epireport_property_company", "docx"),
    "report_format": ("epireport_property_company",),
    "scale_out": ("ibis", "duckdb", "pyarrow"),
}


def _require(*modules: str) -> None:
    for module in modules:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")


def run_example(name: str, cwd: Path, *args: str) -> str:
    """Run docs/examples/NAME.py in *cwd* and return its stdout (stderr shown on failure)."""
    script = EXAMPLES / f"{name}.py"
    command = [sys.executable, str(script), *args]
    if args[:2] == ("-m", "pytest"):
        command = [sys.executable, *args, str(script)]
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert done.returncode == 0, f"{name}.py failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_every_example_is_tested() -> None:
    """Each file under docs/examples is run by a test below: none can be forgotten."""
    found = {path.stem for path in EXAMPLES.glob("*.py")}
    assert found == set(SNAPSHOTS) | set(CHECKED)


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_example_prints_what_the_docs_show(name: str, tmp_path: Path) -> None:
    """The example runs and prints exactly the output its page includes."""
    output = run_example(name, tmp_path)
    stored = OUTPUTS / f"{name}.txt"
    if UPDATE:
        stored.write_text(output, encoding="utf-8")
    assert output == stored.read_text(encoding="utf-8")


def test_render_report_example(tmp_path: Path) -> None:
    """Getting started: the example loads, renders text and DOCX, and traces 3900多 to 3980."""
    _require(*CHECKED["render_report"])
    output = run_example("render_report", tmp_path)
    assert output.startswith("property-company lhy 2020-02-01/2020-02-14\n")
    assert "莲花苑物业服务中心新冠肺炎疫情防控工作总结\n　　一、员工安全\n" in output
    assert "共发放410多户，3900多片" in output
    assert "共计126份。" in output
    assert "流程图" not in output  # the zero-report is omitted
    assert (tmp_path / "lotus.docx").read_bytes()[:2] == b"PK"
    assert "3900多 = 3980 from ['household_tablets@lhy@2020-02-01/2020-02-14']" in output


def test_getting_started_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The shell commands of Getting started succeed on the example file, and lint finds nothing."""
    _require(*CHECKED["render_report"])
    from epireport.cli import main

    data = str(EXAMPLES / "data" / "lotus.yaml")
    docx = str(tmp_path / "lotus.docx")
    assert main(["check", data]) == 0
    assert main(["render", data]) == 0
    assert main(["render", data, "-f", "docx", "-o", docx]) == 0
    assert main(["lint", docx]) == 0
    capsys.readouterr()


def test_getting_started_error_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A narrative list written as text is reported as the page shows it, with exit status 2."""
    _require(*CHECKED["render_report"])
    from epireport.cli import main

    text = (EXAMPLES / "data" / "lotus.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "lotus.yaml"
    bad.write_text(
        text.replace("owner_needs: [根据业主电话反映代购常用药品]", "owner_needs: 代购常用药品"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["render", "lotus.yaml"]) == 2
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(epireport: error: [^\n]*)\n```", page)
    assert shown is not None
    assert capsys.readouterr().err.strip() == shown.group(1)


def test_long_form_schema_example_loads() -> None:
    """The long-form input the schema page shows is a valid input of its institution."""
    _require("epireport_property_company")
    import epireport
    from epireport import ValueStatus

    report = epireport.load_input(EXAMPLES / "data" / "long-form.yaml")
    assert [v.status for v in report.values] == [
        ValueStatus.REPORTED,
        ValueStatus.ZERO_REPORT,
        ValueStatus.REPORTED,
        ValueStatus.MISSING,
        ValueStatus.REPORTED,
    ]


def test_override_block_example(tmp_path: Path) -> None:
    """The agency's source wins, and only the next_steps block reads differently."""
    _require(*CHECKED["override_block"])
    output = run_example("override_block", tmp_path)
    assert output.startswith("first source: agency\n")
    assert (
        "三、下一步工作打算\n　　下一步，我部将坚持每日研判舆情，每周召开一次宣传工作例会。"
        in output
    )


def test_report_format_example(tmp_path: Path) -> None:
    """The WeChat format is registered and lists every figure's sources, as the page shows."""
    _require(*CHECKED["report_format"])
    output = run_example("report_format", tmp_path)
    assert "'wechat'" in output.splitlines()[0]
    assert "【三、加强宣传引导】" in output
    page = (DOCS / "how-to" / "add-a-format.md").read_text(encoding="utf-8")
    shown = page.split("```text\n", 1)[1].split("```", 1)[0]
    assert output.endswith(shown + "\n")


def test_excel_forms_example(tmp_path: Path) -> None:
    """Form, ingest (twice: nothing changes), store and render give the lines the page shows."""
    _require(*CHECKED["excel_forms"])
    output = run_example("excel_forms", tmp_path)
    page = (DOCS / "how-to" / "excel-forms.md").read_text(encoding="utf-8")
    shown = page.split("```text\n", 1)[1].split("```", 1)[0]
    assert output.startswith(shown)
    assert "在小区8部电梯" in output
    assert "共发放400多户，3800多片" in output


def test_scale_out_example(tmp_path: Path) -> None:
    """The Ibis engine computes the Python engine's figures, as the page shows."""
    _require(*CHECKED["scale_out"])
    output = run_example("scale_out", tmp_path)
    page = (DOCS / "how-to" / "scale-out.md").read_text(encoding="utf-8")
    shown = page.split("```text\n", 1)[1].split("```", 1)[0]
    assert output == shown


def test_plugin_tests_example_passes(tmp_path: Path) -> None:
    """The test module of "Test a plugin" passes under pytest."""
    _require(*CHECKED["plugin_tests"])
    output = run_example("plugin_tests", tmp_path, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in output
    assert "failed" not in output


def test_fixture_tests_example_passes(tmp_path: Path) -> None:
    """The fixtures example of "Test a plugin" passes under pytest with the plugin loaded."""
    _require(*CHECKED["fixture_tests"])
    output = run_example("fixture_tests", tmp_path, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert "3 passed" in output


def test_scaffold_tree_is_as_documented(tmp_path: Path) -> None:
    """The file tree "Write an institution plugin" shows is what new-plugin writes."""
    from epireport.cli import main

    args = ["new-plugin", "county-health", "--title", "县卫健局", "--path", str(tmp_path)]
    assert main(args) == 0
    root = tmp_path / "epireport-county-health"
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    page = (DOCS / "how-to" / "write-a-plugin.md").read_text(encoding="utf-8")
    listing = page.split("```text\nepireport-county-health/\n", 1)[1].split("```", 1)[0]
    documented: set[str] = set()
    folder = ""
    for line in listing.splitlines():
        entry = line.split("#", 1)[0].strip()
        if line.startswith("  ") and not line.startswith("    ") and entry.endswith("/"):
            folder = entry
        elif line.startswith("    "):
            documented.add(folder + entry)
        elif entry:
            folder = ""
            documented.add(entry)
    assert documented == written


def test_every_snippet_include_exists() -> None:
    """Every ``--8<--`` include in the pages names a file of the repository."""
    includes = [
        (page, match.group(1))
        for page in DOCS.rglob("*.md")
        for match in re.finditer(r'--8<-- "([^"]+)"', page.read_text(encoding="utf-8"))
    ]
    assert includes
    missing = [(p.name, target) for p, target in includes if not (ROOT / target).is_file()]
    assert missing == []
    # Every example is shown on some page (a formatter rewriting "--8<--" would hide it).
    shown = {target for _, target in includes}
    assert {f"docs/examples/{path.name}" for path in EXAMPLES.glob("*.py")} <= shown


def test_cli_reference_lists_every_command() -> None:
    """The generated CLI reference has the help of every registered command."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from cli_reference import cli_reference
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    from epireport.cli import COMMANDS

    text = cli_reference()
    for name in COMMANDS:
        assert f"## epireport {name}\n" in text
        assert f"Usage: epireport {name} [OPTIONS]" in text


def test_docstring_conversion_fences_examples_and_roles() -> None:
    """The griffe extension turns reST roles, literal blocks and hook examples into Markdown."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        pytest.importorskip("griffe")
        from rest_docstrings import convert
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    text = convert(
        "See :class:`~epireport.model.Period` and :func:`epireport.load_report`.\n\n"
        "Called:\n    Once.\n\nExample:\n    @hookimpl\n    def f():\n        return []\n\n"
        "Like this::\n\n    a = 1\n\n>>> 1 + 1\n2\n"
    )
    assert "`Period`" in text
    assert "`epireport.load_report`" in text
    assert "**Called:** Once." in text
    assert "```python\n@hookimpl\ndef f():\n    return []\n```" in text
    assert "Like this:\n\n```text\na = 1\n```" in text
    assert "```pycon\n>>> 1 + 1\n2\n```" in text
    # With a resolver (griffe's scope, in the build), roles to epireport objects become links.
    linked = convert(
        "See :class:`~epireport.io.InputLoader`, :class:`Batch` and :class:`KeyError`.",
        {"Batch": "epireport.io.Batch", "epireport.io.InputLoader": "epireport.io.InputLoader"}.get,
    )
    assert (
        '<autoref identifier="epireport.io.InputLoader" optional><code>InputLoader</code>' in linked
    )
    assert '<autoref identifier="epireport.io.Batch" optional><code>Batch</code>' in linked
    assert "`KeyError`" in linked


#: The API reference: one page per public module, under docs/reference/api/ (``""`` is epireport).
API_PAGES = {
    "epireport": "",
    "epireport.plugin": "plugin",
    "epireport.model": "model",
    "epireport.io": "io",
    "epireport.aggregate": "aggregate",
    "epireport.facts": "facts",
    "epireport.narrative": "narrative",
    "epireport.document": "document",
    "epireport.render": "render",
    "epireport.lint": "lint",
    "epireport.store": "store",
    "epireport.testing": "testing",
    "epireport.exceptions": "exceptions",
}
#: Public modules documented outside the API pages, by the page that does.
OTHER_PAGES = {"epireport.hookspecs": "reference/hooks", "epireport.cli": "reference/cli"}
#: Most objects (headings) one API page may hold before it needs splitting.
MAX_OBJECTS = 120
#: Role targets in docstrings that name a public path nothing documents (fix the docstring,
#: then remove the entry): src/epireport/hookspecs.py names ``epireport.io.LoadContext``, which
#: epireport.io does not export (plugins import it from epireport.plugin).
UNRESOLVED_ALLOWED: set[str] = set()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once for this module with ``mkdocs build --strict`` (offline)."""
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"{module} is not installed (pip install -e '.[docs]')")
    site = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _api_page(site: Path, module: str) -> str:
    return _page(site, f"reference/api/{API_PAGES[module]}".rstrip("/"))


@pytest.mark.slow
def test_site_builds_strictly(site: Path) -> None:
    """``mkdocs build --strict`` succeeds offline, and the hooks page documents every hook."""
    hooks_page = _page(site, "reference/hooks")
    from epireport import hookspecs

    for name in hookspecs.__all__:
        if name.startswith("epireport_"):
            assert f'id="epireport.hookspecs.{name}"' in hooks_page, name
    cli_page = _page(site, "reference/cli")
    assert "epireport new-plugin" in cli_page


@pytest.mark.slow
def test_every_public_module_has_an_api_page(site: Path) -> None:
    """Each public module of src/epireport has its own reference page, anchored at its name."""
    package = ROOT / "src" / "epireport"
    public = {
        f"epireport.{path.stem}"
        for path in package.iterdir()
        if not path.name.startswith("_")
        and (path.suffix == ".py" or path.is_dir())
        and path.name != "py.typed"
    }
    assert public - {"epireport.__main__"} <= set(API_PAGES) | set(OTHER_PAGES)
    for module in API_PAGES:
        assert f'id="{module}"' in _api_page(site, module), module


@pytest.mark.slow
def test_cross_references_link_across_pages(site: Path) -> None:
    """A reST role in a docstring, and a re-export list, link to the page documenting the target."""
    hooks_page = _page(site, "reference/hooks")
    # hookspecs: :class:`~epireport.io.InputLoader` in epireport_register_input_loaders.
    assert 'href="../api/io/#epireport.io.InputLoader"' in hooks_page
    # epireport.model's validators raise :class:`ModelError`, documented with the exceptions.
    assert 'href="../exceptions/#epireport.exceptions.ModelError"' in _api_page(
        site, "epireport.model"
    )
    # Every name a plugin imports from epireport.plugin links to where it is documented.
    import epireport.plugin

    plugin_page = _api_page(site, "epireport.plugin")
    for name in epireport.plugin.__all__:
        assert re.search(rf'<a [^>]*href="[^"]*#epireport[\w.]*\.{name}"', plugin_page), name


@pytest.mark.slow
def test_no_api_page_is_too_long(site: Path) -> None:
    """No API page lists more than MAX_OBJECTS objects: the reference stays split by module."""
    counts = {
        module: len(re.findall(r'<h[1-6] id="epireport[\w.]*"', _api_page(site, module)))
        for module in API_PAGES
    }
    assert all(count > 0 for count in counts.values()), counts
    assert max(counts.values()) <= MAX_OBJECTS, counts


@pytest.mark.slow
def test_docstring_roles_to_public_objects_resolve(site: Path) -> None:
    """A role naming a public epireport object becomes a link: the object is documented."""
    unresolved = set()
    for page in site.joinpath("reference").rglob("index.html"):
        for target in re.findall(
            r'<span title="(epireport[\w.]*)"><code>', page.read_text("utf-8")
        ):
            if not any(part.startswith("_") for part in target.split(".")):
                unresolved.add(target)
    assert unresolved <= UNRESOLVED_ALLOWED

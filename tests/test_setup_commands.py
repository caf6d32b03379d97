"""The README's two set-up commands: locked, hash-checked, and the ones CI and the docs use."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n([^\n]+)\n```", section)


def test_readme_has_exactly_two_commands() -> None:
    """One command runs the main job, one runs the tests."""
    main, tests = _readme_commands()
    assert main.endswith("epireport demo")
    assert tests.endswith("python3 -m pytest")


def test_commands_install_from_the_locks() -> None:
    """Each command installs a hash-checked lock, then the checkout without dependencies."""
    main, tests = _readme_commands()
    for command, lock in ((main, "requirements.txt"), (tests, "requirements-test.txt")):
        assert command.startswith(f"python3 -m pip install -r {lock} && ")
        assert "--no-deps --no-build-isolation -r requirements/local.txt" in command
        text = (ROOT / lock).read_text(encoding="utf-8")
        pins = [line for line in text.splitlines() if line and line[0].isalpha()]
        assert pins, lock
        for pin in pins:
            assert "==" in pin, f"{lock}: {pin} is not an exact version"
        # Every pinned requirement carries at least one hash (hash-checking mode).
        blocks = re.split(r"\n(?=[a-z])", text.split("\n", 2)[2])
        for block in blocks:
            if block.strip() and not block.startswith("#"):
                assert "--hash=sha256:" in block, f"{lock}: no hash for {block.splitlines()[0]}"


def test_main_lock_brings_docx_excel_and_the_build_backend() -> None:
    """The main job writes DOCX and Excel forms after its install; heavy engines stay out."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    names = {line.split("==")[0] for line in text.splitlines() if "==" in line}
    assert {"python-docx", "openpyxl", "hatchling", "editables"} <= names
    assert not {"duckdb", "ibis-framework", "pyspark"} & names


def test_ci_runs_the_readme_test_command_in_a_fresh_environment() -> None:
    """.ci/run makes a new venv and evaluates the README's test command, read from the README."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv" in ci
    assert 'eval "$test_command"' in ci
    assert "README.md" in ci


def test_getting_started_shows_the_same_commands() -> None:
    """The getting-started page repeats the README's commands verbatim."""
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    for command in _readme_commands():
        assert command in page


def test_local_requirements_list_every_reference_plugin() -> None:
    """requirements/local.txt installs epireport and every plugin under plugins/."""
    local = (ROOT / "requirements" / "local.txt").read_text(encoding="utf-8")
    listed = {line.split(None, 1)[1] for line in local.splitlines() if line.startswith("-e ")}
    plugins = {f"plugins/{p.name}" for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    assert listed == {"."} | plugins

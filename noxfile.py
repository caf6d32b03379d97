"""Developer tasks. ``nox`` runs the default sessions; ``nox -s benchmarks`` the slow ones."""

import nox

# The locks the README's two commands install from (CONTRIBUTING.md, "Locked dependencies").
# `nox -s lock` rewrites them; `nox -s latest` runs the tests on the newest releases instead.
LOCKS = {
    "requirements.txt": ["--extra", "docx", "--extra", "excel"],
    "requirements-test.txt": ["--extra", "dev"],
}
LOCAL = "requirements/local.txt"

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.reuse_existing_virtualenvs = True

PLUGINS = [
    "plugins/epireport-district-publicity",
    "plugins/epireport-education-bureau",
    "plugins/epireport-property-company",
]


def _install(session: nox.Session, extras: str) -> None:
    session.install("-e", f".[{extras}]")
    for plugin in PLUGINS:
        session.install("-e", plugin)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (epireport and the reference plugins)."""
    _install(session, "test")
    session.run("pytest", *session.posargs, env={"EPIREPORT_STRICT_PLUGINS": "1"})


@nox.session
def lock(session: nox.Session) -> None:
    """Rewrite the hash-checked locks from pyproject.toml (every supported Python at once)."""
    session.install("uv")
    for output, extras in LOCKS.items():
        session.run(
            "uv", "pip", "compile", "pyproject.toml", "requirements/build.in", *extras,
            "--universal", "--python-version", "3.11", "--generate-hashes",
            "--custom-compile-command", "nox -s lock", "--quiet", "--output-file", output,
        )  # fmt: skip


@nox.session
def latest(session: nox.Session) -> None:
    """Run the tests on the newest release of every dependency, without the locks.

    Not in the default run: it shows a coming break (a pytest deprecation turned error, a new
    cattrs) before users meet it. Run it before a release and fix what it finds.
    """
    session.install("--upgrade", "-e", ".[dev]", *PLUGINS)
    session.run("pytest", *session.posargs, env={"EPIREPORT_STRICT_PLUGINS": "1"})


@nox.session
def wheel(session: nox.Session) -> None:
    """Test against the built wheel: catches package data (templates) missing from it."""
    session.install("build")
    session.run("python", "-m", "build", "--wheel", "--outdir", "dist")
    wheels = sorted(__import__("pathlib").Path("dist").glob("epireport-*.whl"))
    session.install(f"{wheels[-1]}[test]")
    for plugin in PLUGINS:
        session.install(plugin)
    session.run("pytest", "tests", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff: lint and formatting."""
    session.install("ruff")
    paths = ["src", "tests", "plugins", "benchmarks", "noxfile.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check src/ with mypy --strict."""
    _install(session, "dev")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly, offline."""
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Run every benchmark under benchmarks/ (not part of the default run)."""
    _install(session, "test")
    for script in sorted(__import__("pathlib").Path("benchmarks").glob("bench_*.py")):
        session.run("python", str(script))


@nox.session
def spark(session: nox.Session) -> None:
    """Run the Ibis rollup on a local PySpark session (not part of the default run)."""
    _install(session, "test,spark")
    session.run("python", "benchmarks/bench_scale.py", "--spark", *session.posargs)

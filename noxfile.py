"""Developer tasks. ``nox`` runs the default sessions; ``nox -s benchmarks`` the slow ones."""

import nox

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

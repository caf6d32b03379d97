"""The ingest progress bar: rate and time left on a terminal, silence elsewhere."""

import sys

import pytest

from epireport._cli.store_cmds import PROGRESS_THRESHOLD, _progress


def test_a_long_ingest_on_a_terminal_shows_values_per_second(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bar counts what the store reports, with the rate and click's time left."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    total = PROGRESS_THRESHOLD * 2
    with _progress(total) as update:
        assert update is not None
        update(PROGRESS_THRESHOLD)
        update(PROGRESS_THRESHOLD)
    err = capsys.readouterr().err
    assert "ingesting" in err
    assert "values/s" in err
    assert "100%" in err


def test_no_bar_when_stderr_is_not_a_terminal_or_the_file_is_small(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Piped output (CI, a log file) stays clean; a small file needs no bar."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with _progress(PROGRESS_THRESHOLD * 2) as update:
        assert update is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress(PROGRESS_THRESHOLD - 1) as update:
        assert update is None
    assert capsys.readouterr().err == ""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import epireport
from epireport._files import write_atomic
from epireport.cli import main
from epireport.exceptions import UsageError


@pytest.fixture
def umask() -> Iterator[None]:
    saved = os.umask(0o022)
    os.umask(saved)
    yield
    os.umask(saved)


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    """The target holds the new content and no temporary file is left behind."""
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed write keeps the old file, removes the temporary one and names the path."""
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(UsageError, match=r"cannot write .*out\.docx: disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
@pytest.mark.parametrize("proc", [True, False], ids=["proc", "swap"])
def test_output_files_honour_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mask: int, mode: int, proc: bool
) -> None:
    """An output file gets 0o666 less the umask, as any new file would, not mkstemp's 0600."""
    if not proc:
        monkeypatch.setattr("epireport._files._PROC_STATUS", tmp_path / "no-proc")
    os.umask(mask)
    written = write_atomic(tmp_path / "out.txt", "内容")
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert os.umask(mask) == mask  # reading the umask left it as it was


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    """Writing into a folder that does not exist names the file and the folder."""
    target = tmp_path / "missing" / "dir" / "out.txt"
    with pytest.raises(UsageError) as caught:
        write_atomic(target, "x")
    assert str(caught.value) == (
        f"cannot write {target}: the folder {target.parent} does not exist"
    )
    assert not (tmp_path / "missing").exists()


def test_a_file_in_place_of_the_folder_is_a_usage_error(tmp_path: Path) -> None:
    """A parent path that is a file, not a folder, is named as such."""
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="notes is not a folder"):
        write_atomic(tmp_path / "notes" / "out.txt", "x")


def test_render_into_a_missing_folder_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`epireport render X -o missing/dir/out.txt` exits 2 with one line naming the folder."""
    example = epireport.Plugins.create().institution("property-company").example
    assert example is not None
    monkeypatch.chdir(tmp_path)
    assert main(["render", str(example), "-o", "missing/dir/out.txt"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "epireport: error: cannot write missing/dir/out.txt: "
        "the folder missing/dir does not exist\n"
    )


@pytest.mark.parametrize("durable", [True, False])
def test_a_durable_write_flushes_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """durable=True fsyncs the bytes; a batch's durable=False does not, and is still whole."""
    flushed: list[int] = []
    monkeypatch.setattr(os, "fsync", flushed.append)
    target = tmp_path / "out.txt"
    write_atomic(target, "全文", durable=durable)
    assert target.read_text(encoding="utf-8") == "全文"
    assert bool(flushed) is durable
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left

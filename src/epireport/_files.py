"""Writing output files so that a crash never leaves half a file behind."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from epireport.exceptions import UsageError

__all__ = ["write_atomic"]

_PROC_STATUS = Path("/proc/self/status")


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    # Linux reports it in /proc: reading it there is safe while other threads create files,
    # which setting and restoring the umask is not.
    with contextlib.suppress(OSError, ValueError):
        status = _PROC_STATUS.read_text(encoding="ascii", errors="replace")
        match = re.search(r"^Umask:\s*([0-7]+)\s*$", status, re.MULTILINE)
        if match is not None:
            return int(match.group(1), 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, durable: bool = True) -> Path:
    """Write *data* to *path* through a temporary file in the same directory, then rename.

    The rename is atomic on POSIX and Windows, so readers see the old file or the whole new
    one, never a torn DOCX. With *durable* (the default) the bytes are flushed to the disk
    before the rename; a batch of a thousand files that can be made again passes ``False``
    (the flush is most of the cost of a small file). Text is written as UTF-8. The file
    gets the permissions any new file would (``0o666`` less the umask), not the private ones
    of a temporary file. A missing folder, or any other reason the file cannot be written, is a
    :class:`~epireport.exceptions.UsageError` naming the path.
    """
    target = Path(path)
    parent = target.parent
    if not parent.is_dir():
        if parent.exists():
            raise UsageError(f"cannot write {target}: {parent} is not a folder")
        raise UsageError(f"cannot write {target}: the folder {parent} does not exist")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        # mkstemp creates the file 0600; the output is an ordinary file for its readers.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    return target

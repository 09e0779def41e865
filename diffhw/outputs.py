"""Output paths checked before any work, written atomically, never over a user's file.

Every subcommand that writes calls `check_file` / `check_dir` on its output before it loads or computes
anything, and writes with `write_file` (a temporary file in the same folder, renamed at the end, so a kill or
a full disk never leaves half a file) or builds a folder with `new_dir` + `finish_dir`. OS errors become
`OutputError`s: one line naming the path, what went wrong and the fix; `diffhw.cli.main` prints it.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator, Sequence, Union

#: What each errno means to a user, and what to do about it.
_FIXES = {
    errno.ENOENT: ("the folder does not exist", "create it first or choose another path"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose another path"),
    errno.EISDIR: ("it is a folder, not a file", "give a file name inside it"),
    errno.EACCES: ("permission denied", "choose a folder you can write to"),
    errno.EPERM: ("operation not permitted", "choose a folder you can write to"),
    errno.EROFS: ("the file system is read-only", "choose a writable folder"),
    errno.ENOSPC: ("no space left on the device", "free space or write elsewhere"),
    errno.EDQUOT: ("disk quota exceeded", "free space or write elsewhere"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
}


class OutputError(Exception):
    """An output path that cannot or must not be written: `str()` is the one line the CLI prints."""

    def __init__(self, path: Union[str, Path], what: str, fix: str):
        self.path, self.what, self.fix = str(path), what, fix
        super().__init__(f"{self.path}: {what}. Fix: {fix}")


def os_error(path: Union[str, Path], err: OSError) -> OutputError:
    """The `OutputError` for an OSError met while writing `path`."""
    what, fix = _FIXES.get(err.errno, (err.strerror or str(err), "check the path and the disk"))
    return OutputError(path, what, fix)


def _writable_parent(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(path, f"the folder {parent} does not exist", "create it first or choose another path")
    if not parent.is_dir():
        raise OutputError(path, f"{parent} is not a folder", "choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(path, f"the folder {parent} is not writable", "choose a folder you can write to")


def check_file(path: Union[str, Path], force: bool = False, flag: str = "--out",
               overwrite: str = "pass --force") -> Path:
    """`path` as a file this command may create: its folder exists and is writable, it is not a folder, and
    it does not exist unless `force` (a command never overwrites a user's file without being told to).
    Device files such as /dev/null or /dev/stdout are accepted as they are."""
    p = Path(path)
    if str(path).startswith("/dev/"):
        return p
    if p.is_dir():
        raise OutputError(p, "it is a folder, not a file", f"give a file name, e.g. {flag} {p / 'results.csv'}")
    if p.exists() and not force:
        raise OutputError(p, "the file exists and is not overwritten",
                          f"choose another {flag}, remove the file, or {overwrite}")
    _writable_parent(p)
    return p


def check_dir(path: Union[str, Path], flag: str = "--out") -> Path:
    """`path` as a folder this command will create: it must not exist yet (a run never writes into a folder
    holding files it did not write), and its parent must be writable. Parents are created as needed."""
    p = Path(path)
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        kind = "a folder that is not empty" if p.is_dir() else "a file"
        raise OutputError(p, f"it exists and is {kind}", f"choose another {flag} (a new folder) or remove it")
    parent = p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(p, f"cannot create it in {parent}", "choose a folder you can write to")
    return p


@contextlib.contextmanager
def open_atomic(path: Union[str, Path], mode: str = "w", force: bool = False) -> Iterator[IO]:
    """Open a temporary file beside `path` for writing; on success it is renamed to `path`, on any error it
    is removed, so `path` is either absent, the user's old file, or complete. OSErrors become
    `OutputError`s. Refuses an existing file unless `force`. Device files (/dev/...) are written directly."""
    p = Path(path)
    text = "b" not in mode
    if str(path).startswith("/dev/"):
        try:
            with open(p, mode, newline="" if text else None) as f:
                yield f
        except OSError as e:
            raise os_error(p, e) from None
        return
    check_file(p, force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    except OSError as e:
        raise os_error(p, e) from None
    try:
        with os.fdopen(fd, mode, newline="" if text else None) as f:
            yield f
        if p.exists() and not force:  # created by someone else meanwhile
            raise OutputError(p, "the file appeared while writing and is not overwritten", "choose another path")
        os.replace(tmp, p)
    except OSError as e:
        raise os_error(p, e) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_file(path: Union[str, Path], data: Union[str, bytes], force: bool = False) -> Path:
    """Write `data` to `path` atomically (`open_atomic`)."""
    with open_atomic(path, "wb" if isinstance(data, bytes) else "w", force) as f:
        f.write(data)
    return Path(path)


def new_dir(path: Union[str, Path], flag: str = "--out") -> Path:
    """A temporary folder beside `path` (checked by `check_dir`) to fill; `finish_dir` renames it."""
    p = check_dir(path, flag)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{p.name}.", suffix=".partial", dir=p.parent))
    except OSError as e:
        raise os_error(p, e) from None


def finish_dir(tmp: Path, path: Union[str, Path]) -> Path:
    """Move the filled temporary folder `tmp` to `path` (which must still be absent or empty)."""
    p = Path(path)
    try:
        if p.is_dir() and not any(p.iterdir()):
            p.rmdir()
        os.rename(tmp, p)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise os_error(p, e) from None
    return p


#: Row formats by file extension.
ROW_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}


def row_format(path: Union[str, Path], flag: str = "--out") -> str:
    """The row format `path`'s extension asks for (csv, json or parquet), or an `OutputError` naming them."""
    fmt = ROW_FORMATS.get(Path(path).suffix.lower())
    if fmt is None and str(path).startswith("/dev/"):
        return "csv"
    if fmt is None:
        raise OutputError(path, f"unknown output format {Path(path).suffix or '(no extension)'!r}",
                          f"end {flag} with .csv, .json or .parquet")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError(path, "Parquet output needs pyarrow",
                              "pip install 'diffhw[parquet]', or end the name with .csv or .json") from None
    return fmt


def write_rows(rows: list[dict], columns: Sequence[str], path: Union[str, Path], force: bool = False) -> Path:
    """Write `rows` (dicts with `columns`) to `path` atomically in the format of its extension: CSV with a
    header, JSON as a list of objects, or Parquet."""
    fmt = row_format(path)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({c: [r.get(c) for r in rows] for c in columns})
        with open_atomic(path, "wb", force) as f:
            pq.write_table(table, f)
    elif fmt == "json":
        with open_atomic(path, "w", force) as f:
            json.dump([{c: r.get(c) for c in columns} for r in rows], f, indent=1)
            f.write("\n")
    else:
        with open_atomic(path, "w", force) as f:
            w = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    return Path(path)

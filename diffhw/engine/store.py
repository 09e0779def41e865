"""The program store: compiled XLA programs kept on disk, so that a later run neither traces nor compiles them.

Layout under the cache root ($DIFFHW_CACHE_DIR; the `diffhw` command defaults it to ~/.cache/diffhw, the
Python API uses no store unless it is set; `off` disables it):

    programs/<version>/<name>-<key>.prog   serialized executables (`jax.experimental.serialize_executable`)
    jax/                                   JAX's persistent compilation cache (XLA compiles by module hash)

<version> is a digest of everything an executable depends on besides its key: the store format, diffhw's
source (the .py files of the package but the CLI), the JAX and jaxlib versions and the backend (platform, its version,
device kind and count), so an upgrade or an edit never loads an old program. <key> is a digest of what
decides the program (`diffhw.engine.jit`). An entry is MAGIC, one JSON header line (key, versions, payload
length and SHA-256) and the payload; a truncated, garbled or foreign entry fails the check, is removed and
rebuilt, never loaded. Entries are written to a temporary file and renamed into place, so concurrent runs
never see a partial one (the last writer of an identical program wins).

Only programs this machine compiled are loaded: a serialized executable is code, so the store must not be
shared with untrusted users (it lives in the user's own cache directory).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

#: Bump when the entry layout changes.
FORMAT = 1
MAGIC = b"diffhw-program\n"
ENV = "DIFFHW_CACHE_DIR"
#: `jax.monitoring` time-span event of every program loaded from the store (`diffhw.engine.jit`): a
#: deserialization, which timers of search seconds set apart with JAX's compile events.
LOAD_EVENT = "/diffhw/program_store/load_duration"


def default_root() -> Path:
    """Where the `diffhw` command keeps its caches unless $DIFFHW_CACHE_DIR says otherwise."""
    return Path(os.path.expanduser("~")) / ".cache" / "diffhw"


def cache_root() -> Optional[Path]:
    """The cache root from $DIFFHW_CACHE_DIR: None when it is unset or `off` (no store)."""
    where = os.environ.get(ENV, "")
    return None if where in ("", "off") else Path(where)


@functools.lru_cache(maxsize=None)
def source_digest() -> str:
    """SHA-256 of diffhw's Python source (relative paths and contents of every .py file of the package but
    the command line, diffhw/cli/, which no program runs)."""
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for f in sorted(f for f in pkg.rglob("*.py") if f.relative_to(pkg).parts[0] != "cli"):
        h.update(str(f.relative_to(pkg)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def versions() -> dict:
    """What every stored executable depends on besides its key (see the module docstring)."""
    import jax
    import jaxlib

    dev = jax.devices()
    return {"format": FORMAT, "diffhw": source_digest(), "jax": jax.__version__, "jaxlib": jaxlib.__version__,
            "platform": dev[0].platform, "platform_version": dev[0].client.platform_version,
            "devices": f"{len(dev)} x {dev[0].device_kind}"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ProgramStore:
    """The entries of the current version under `root`/programs (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / "programs" / digest(json.dumps(versions(), sort_keys=True))[:16]

    def path(self, name: str, key: str) -> Path:
        return self.dir / f"{name}-{key}.prog"

    def read(self, name: str, key: str) -> Optional[bytes]:
        """The payload stored for (name, key), or None when there is none or it fails a check (then the entry
        is removed, so that the caller's rebuilt program replaces it)."""
        path = self.path(name, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = _checked(data, key)
        if payload is None:
            try:
                path.unlink()
            except OSError:
                pass
        return payload

    def write(self, name: str, key: str, payload: bytes) -> None:
        """Store `payload` for (name, key) atomically (temporary file, then rename). A store that cannot be
        written (read-only, full disk) is skipped: the program was built anyway."""
        header = json.dumps({"key": key, "versions": versions(), "bytes": len(payload),
                             "sha256": hashlib.sha256(payload).hexdigest()}, sort_keys=True).encode()
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".prog")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(MAGIC + header + b"\n" + payload)
                os.replace(tmp, self.path(name, key))
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass


def _checked(data: bytes, key: str) -> Optional[bytes]:
    """The payload of an entry's bytes if its magic, header, key, versions, length and checksum all match."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC):end])
    except ValueError:
        return None
    payload = data[end + 1:]
    ok = (isinstance(header, dict) and header.get("key") == key and header.get("versions") == versions()
          and header.get("bytes") == len(payload) and header.get("sha256") == hashlib.sha256(payload).hexdigest())
    return payload if ok else None


def info(root: Path) -> dict:
    """What the caches under `root` hold: per part (programs, jax) its path, entries and bytes; per program
    store version its entries and bytes. Reads only the file system (no JAX)."""
    out = {"root": str(root)}
    for part, pattern in (("programs", "*/*.prog"), ("jax", "*")):
        files = [f for f in (root / part).glob(pattern) if f.is_file()] if (root / part).is_dir() else []
        out[part] = {"path": str(root / part), "entries": len(files), "bytes": sum(f.stat().st_size for f in files)}
    by_version: dict = {}
    for f in (root / "programs").glob("*/*.prog") if (root / "programs").is_dir() else ():
        v = by_version.setdefault(f.parent.name, {"entries": 0, "bytes": 0})
        v["entries"] += 1
        v["bytes"] += f.stat().st_size
    out["programs"]["versions"] = by_version
    return out


def clear(root: Path) -> int:
    """Remove the program store and JAX's compilation cache under `root`; returns the bytes freed."""
    freed = 0
    for part in ("programs", "jax"):
        d = root / part
        if d.is_dir():
            freed += sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
            shutil.rmtree(d, ignore_errors=True)
    return freed

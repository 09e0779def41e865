"""`diffhw serve`: a resident diffhw process that runs later `diffhw` commands, so that they skip Python's and
JAX's start-up and find their compiled programs already loaded (docs/startup.md).

    diffhw serve [--idle-minutes 30]     (in its own terminal, or in the background with &)

While it runs, a `diffhw` command of the same user, the same installation and the same cache directory
($DIFFHW_CACHE_DIR, default ~/.cache/diffhw) is sent to it through the Unix socket `serve.sock` in that
directory and runs there, in the command's working directory; its output and exit status come back. Without
a server (none started, another installation or version of diffhw, the socket refused) the command runs in
its own process as always; DIFFHW_SERVE=off always does. Results are the same either way (the same
programs). The server runs one command at a time (a second waits); commands run with the server's
environment (started from the user's shell: the same variables), not the client's. Ctrl-C ends the client
only: the server finishes the command (files are renamed into place when complete, as always). The socket
is the user's own (mode 0600, and the server checks the peer's user id).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Optional

SOCKET = "serve.sock"
ENV = "DIFFHW_SERVE"


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="a resident process that runs later diffhw commands (faster start-up)",
                       description=__doc__.split("\n\n")[0])
    s.add_argument("--idle-minutes", type=float, default=30.0, help="exit after this long without a command")
    s.set_defaults(func=cmd_serve)


def installation() -> str:
    """Digest of this diffhw installation: the interpreter and every .py file of the package (path, size,
    modification time): a server runs a client's command only when both are the same."""
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    for f in sorted(pkg.rglob("*.py")):
        st = f.stat()
        h.update(f"{f.relative_to(pkg)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def socket_path() -> Optional[Path]:
    """The server's socket under the cache root, or None when the caches are off."""
    from diffhw.engine.store import ENV as CACHE_ENV, default_root

    root = os.environ.get(CACHE_ENV) or str(default_root())
    return None if root == "off" else Path(root) / SOCKET


def _send(conn: socket.socket, kind: bytes, data: bytes) -> None:
    conn.sendall(kind + struct.pack("!I", len(data)) + data)


def _recv(conn: socket.socket) -> tuple[bytes, bytes]:
    head = _exactly(conn, 5)
    return head[:1], _exactly(conn, struct.unpack("!I", head[1:])[0])


def _exactly(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        part = conn.recv(n - len(buf))
        if not part:
            raise ConnectionError("closed")
        buf += part
    return buf


def forward(argv: list[str]) -> Optional[int]:
    """Run `diffhw argv` in a running server: its exit status, or None when there is no server for this
    installation (then the caller runs the command itself). Output is written as it comes."""
    if os.environ.get(ENV) == "off" or (argv and argv[0] == "serve"):
        return None
    path = socket_path()
    if path is None or not path.exists():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
        request = {"argv": argv, "cwd": os.getcwd(), "installation": installation()}
        _send(conn, b"R", json.dumps(request).encode())
        while True:
            kind, data = _recv(conn)
            if kind == b"N":  # another installation: run here
                return None
            if kind in (b"1", b"2"):
                out = sys.stdout if kind == b"1" else sys.stderr
                out.write(data.decode("utf-8", "replace"))
                out.flush()
            elif kind == b"X":
                return int(data)
    except (OSError, ValueError, ConnectionError):
        return None  # no server (stale socket, refused, gone): run here
    except KeyboardInterrupt:
        print("\ninterrupted: the client stopped (the diffhw server finishes the command)", file=sys.stderr)
        return 130
    finally:
        conn.close()


class _Stream(io.TextIOBase):
    """A text stream that sends what is written to the client (kind b"1" stdout, b"2" stderr)."""

    encoding = "utf-8"

    def __init__(self, conn: socket.socket, kind: bytes):
        self.conn, self.kind, self.broken = conn, kind, False

    def write(self, text: str) -> int:
        if text and not self.broken:
            try:
                _send(self.conn, self.kind, text.encode("utf-8", "replace"))
            except OSError:
                self.broken = True  # the client went away (Ctrl-C): the command finishes regardless
        return len(text)

    def isatty(self) -> bool:
        return False


def cmd_serve(args) -> int:
    """`diffhw serve`: accept commands on the socket until idle for --idle-minutes."""
    from diffhw.cli import main

    path = socket_path()
    if path is None:
        print("error: diffhw serve needs the cache directory (DIFFHW_CACHE_DIR is off)", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = installation()
    with contextlib.suppress(OSError):  # a live server answers; a stale socket is replaced
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.connect(str(path))
        probe.close()
        print(f"error: a diffhw server already runs on {path}", file=sys.stderr)
        return 2
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old)
    server.listen(8)
    server.settimeout(args.idle_minutes * 60)
    print(f"diffhw serve: listening on {path} (exits after {args.idle_minutes:g} idle minutes; Ctrl-C to stop)",
          file=sys.stderr)
    cwd = os.getcwd()
    try:
        while True:
            try:
                conn, _ = server.accept()
            except socket.timeout:
                return 0
            with conn:
                _serve_one(conn, mine, main)
            os.chdir(cwd)
    finally:
        server.close()
        path.unlink(missing_ok=True)


def _serve_one(conn: socket.socket, mine: str, main) -> None:
    """One client's command: run it with stdout/stderr sent back, then its exit status."""
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        if struct.unpack("3i", creds)[1] != os.getuid():
            return
        kind, data = _recv(conn)
        request = json.loads(data)
        if kind != b"R" or request.get("installation") != mine or installation() != mine:
            _send(conn, b"N", b"")
            return
        os.chdir(request["cwd"])
    except (OSError, ValueError, ConnectionError, KeyError):
        return
    out, err = _Stream(conn, b"1"), _Stream(conn, b"2")
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(request["argv"])
        except SystemExit as e:  # argparse: --help, usage errors
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        except BaseException as e:  # noqa: BLE001 - the server outlives a command's failure
            print(f"error: diffhw serve: {type(e).__name__}: {e}", file=sys.stderr)
            code = 1
    with contextlib.suppress(OSError):
        _send(conn, b"X", str(code).encode())
    print(f"diffhw serve: {' '.join(request['argv'][:1])} -> {code} in {time.perf_counter() - t0:.2f} s",
          file=sys.__stderr__)

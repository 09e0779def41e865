"""Start-up overlap: a function run in a forked child process while this one imports JAX.

A `diffhw` command spends ~0.5 s importing JAX, all of it holding the GIL, before it can load a program;
reading and checking the input files (Python and numpy, no JAX) is work of the same kind, so a thread cannot
overlap the two. A child process forked before JAX is imported can: `Forked(fn, ...)` runs `fn` there and
sends its value back pickled through a pipe, while the parent goes on (imports JAX); `result()` waits for it.

It forks only where that is safe and useful: Linux, JAX not imported in this process yet (a process with
JAX's runtime threads must not fork; `diffhw serve` and in-process callers run `fn` here), and at least 2
usable cores. Otherwise, and whenever the child fails (`fn` raised, its value does not pickle, the child
died), `result()` calls `fn` in this process: the same value, or the same exception, only not overlapped.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
import threading
from typing import Callable

from diffhw.dispatch import usable_cores


def can_fork() -> bool:
    """Whether `Forked` runs its function in a child process here (see the module docstring)."""
    return sys.platform.startswith("linux") and "jax" not in sys.modules and usable_cores() >= 2


class Forked:
    """`fn(*args, **kwargs)` computed in a forked child (see the module docstring); `result()` gives its value."""

    def __init__(self, fn: Callable, *args, **kwargs):
        self._call = functools.partial(fn, *args, **kwargs)
        self._pid = None
        if not can_fork():
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            read, write = os.pipe()
        except OSError:  # no file descriptors left: compute it here
            return
        try:
            pid = os.fork()
        except OSError:  # no process or memory for a child: compute it here
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, exit without running the parent's exit handlers
            os.close(read)
            status = 1
            try:
                data = pickle.dumps(self._call(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._data = pid, []
        self._reader = threading.Thread(target=self._collect, args=(read,), daemon=True)
        self._reader.start()

    def _collect(self, fd: int) -> None:
        """Read the child's pickled value as it comes (a thread: the reads release the GIL, so the transfer
        overlaps what this process does meanwhile, and the child never waits on a full pipe)."""
        with os.fdopen(fd, "rb") as pipe:
            self._data.append(pipe.read())

    @property
    def forked(self) -> bool:
        """Whether a child process is computing the value (not yet collected)."""
        return self._pid is not None

    def result(self):
        """The value of the function: the child's, else computed here (see the module docstring)."""
        if self._pid is None:
            return self._call()
        self._reader.join()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if status == 0:
            try:
                return pickle.loads(self._data[0])
            except Exception:  # noqa: BLE001 - a value that does not unpickle here is computed again
                pass
        return self._call()

"""The `diffhw` command: one module per subcommand.

    diffhw maestro   MAESTRO mapping files (or models under a dataflow) x hardware files -> CSV rows
    diffhw layers    the MAC layers of a model (CSV table or MAESTRO model file)
    diffhw eval      batched network-level evaluation: models x hardware x dataflows
    diffhw codesign  search accelerator hardware and dataflows for a network under budgets
    diffhw cosearch  joint network x accelerator search by gradient on a real dataset (digits)
    diffhw bench     compile time and steady-state throughput on the current JAX device
    diffhw export    a chosen design as files other tools run (MAESTRO, ONNX, int8, allocation, Timeloop)
    diffhw cache     the compiled programs kept across runs: info, clear, warm (ahead of time)
    diffhw serve     a resident process that runs later diffhw commands (start-up without JAX import or loads)

MODEL is a zoo name, an .onnx file, a MAESTRO .m model file or a PyTorch factory `package.module:function`
(`diffhw.frontends.models.load_model`). Every failure reaches the user as one `error:` line with a non-zero
exit status, never as a Python traceback (`main`).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Optional, Sequence

from diffhw.cli import bench, cache, codesign, cosearch, eval as eval_cmd, export, layers, maestro, serve
from diffhw.cli.maestro import normalize_maestro_flags
from diffhw.engine import eager
from diffhw.errors import ErrorReport, InputError
from diffhw.outputs import OutputError, os_error

SUBCOMMANDS = (maestro, bench, layers, eval_cmd, codesign, cosearch, export, cache, serve)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="diffhw", description="Differentiable, batched MAESTRO cost model.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    for parser in sub.choices.values():
        parser.formatter_class = DefaultsFormatter
    return p


class DefaultsFormatter(argparse.HelpFormatter):
    """Help that shows each option's default, unless it is None/False or the help text already gives it."""

    def _get_help_string(self, action):
        text = action.help or ""
        if ("default" in text or action.default is None or action.default is False
                or action.default == argparse.SUPPRESS or not action.option_strings):
            return text
        return text + " (default: %(default)s)"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one subcommand; returns its exit status. Errors are one `error:` line on stderr (status 1 or 2),
    Ctrl-C is one line and status 130; a Python traceback only with DIFFHW_DEBUG=1."""
    argv = normalize_maestro_flags(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    try:
        eager.mode()  # a bad DIFFHW_EAGER fails before any work
        use_compilation_cache()
        return args.func(args)
    except KeyboardInterrupt:
        print(f"\ninterrupted: diffhw {args.command} stopped" + RESUME_HINTS.get(args.command, ""), file=sys.stderr)
        return 130
    except (OutputError, InputError, ErrorReport) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {os_error(e.filename or '?', e)}", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: out of memory: the problem is too large for this machine; evaluate fewer models, "
              "hardware points or dataflows per run", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - a bug of ours: one line, the traceback on request
        if os.environ.get("DIFFHW_DEBUG"):
            raise
        print(f"error: internal error in diffhw {args.command}: {type(e).__name__}: {e}. Please report it; "
              "set DIFFHW_DEBUG=1 to see the traceback", file=sys.stderr)
        return 1


#: What a user can do after Ctrl-C, per subcommand.
RESUME_HINTS = {"eval": "; finished chunks are kept: run the same command with --resume to continue"}


def entry() -> None:
    """The `diffhw` console script: `main` with SIGINT/SIGTERM watched from a thread, so that a signal that
    arrives while the main thread sits in a long XLA call still ends the process within ~2 s (status 130;
    files are only ever renamed into place, so whatever is on disk stays valid and resumable)."""
    code = serve.forward(sys.argv[1:])  # a running `diffhw serve` of this installation, else None
    if code is None:
        _watch_signals()
        code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # A command has written, closed and renamed into place everything it writes before main returns: skip
    # the interpreter's teardown, which destroys the loaded XLA executables one by one (~1 s after a
    # codesign: docs/startup.md), and after Ctrl-C dispatch threads that may still run device work.
    os._exit(code or 0)


#: Set by a command that saves its state after Ctrl-C (codesign's best design): the signal watcher then waits
#: SAVE_GRACE_S more before it ends the process.
SAVING = threading.Event()
SAVE_GRACE_S = 30.0


def _watch_signals(grace_s: float = 1.5) -> None:
    import signal
    import socket

    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, raise_interrupt)
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def watch():
        if not reader.recv(1):  # closed: no signal will come
            return
        # a signal arrived: the main thread has grace_s to turn it into a clean exit, more while it saves
        time.sleep(grace_s)
        if SAVING.is_set():
            time.sleep(SAVE_GRACE_S)
        sys.stderr.write("\ninterrupted: stopped\n")
        sys.stderr.flush()
        os._exit(130)

    _WAKEUP.extend((reader, writer))  # kept open for the life of the process
    threading.Thread(target=watch, name="diffhw-signals", daemon=True).start()


_WAKEUP: list = []


def use_compilation_cache() -> None:
    """Keep compiled programs across runs so that a repeated command neither traces nor compiles them: the
    program store (`diffhw.engine.store`) and JAX's persistent compilation cache, under $DIFFHW_CACHE_DIR
    (default ~/.cache/diffhw: programs/ and jax/; $JAX_COMPILATION_CACHE_DIR, if set, is JAX's);
    DIFFHW_CACHE_DIR=off disables both. Set through environment variables, so that a command that never uses
    JAX (layers, cache, --help) does not import it."""
    from diffhw.engine.store import ENV, default_root

    root = os.environ.setdefault(ENV, str(default_root()))
    if root == "off" or os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return
    where = os.path.join(root, "jax")
    try:
        os.makedirs(where, exist_ok=True)
    except OSError:
        os.environ[ENV] = "off"
        return  # read-only home: run without the caches
    settings = {"jax_compilation_cache_dir": where, "jax_persistent_cache_min_compile_time_secs": 0.5}
    if "jax" in sys.modules:  # (in-process callers that already use JAX)
        import jax

        for k, v in settings.items():
            jax.config.update(k, v)
    else:
        os.environ.update({k.upper(): str(v) for k, v in settings.items()})

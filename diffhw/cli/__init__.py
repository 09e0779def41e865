"""The `diffhw` command: one module per subcommand.

    diffhw maestro   MAESTRO mapping files (or models under a dataflow) x hardware files -> CSV rows
    diffhw layers    the MAC layers of a model (CSV table or MAESTRO model file)
    diffhw eval      batched network-level evaluation: models x hardware x dataflows
    diffhw codesign  search accelerator hardware and dataflows for a network under budgets
    diffhw bench     compile time and steady-state throughput on the current JAX device

MODEL is a zoo name, an .onnx file, a MAESTRO .m model file or a PyTorch factory `package.module:function`
(`diffhw.frontends.models.load_model`). Every failure reaches the user as one `error:` line with a non-zero
exit status, never as a Python traceback (`main`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Optional, Sequence

from diffhw.cli import bench, codesign, eval as eval_cmd, layers, maestro
from diffhw.cli.maestro import normalize_maestro_flags

SUBCOMMANDS = (maestro, bench, layers, eval_cmd, codesign)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="diffhw", description="Differentiable, batched MAESTRO cost model.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = normalize_maestro_flags(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    _compilation_cache()
    return args.func(args)


def _compilation_cache() -> None:
    """Keep compiled programs across runs (JAX's persistent cache) so that a repeated command skips its
    compiles. Location: $JAX_COMPILATION_CACHE_DIR if set, else $DIFFHW_CACHE_DIR, else ~/.cache/diffhw/jax;
    DIFFHW_CACHE_DIR=off disables it."""
    import jax

    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return
    where = os.environ.get("DIFFHW_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "diffhw", "jax"))
    if where == "off":
        return
    try:
        os.makedirs(where, exist_ok=True)
    except OSError:
        return  # read-only home: run without the cache
    jax.config.update("jax_compilation_cache_dir", where)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)

"""`diffhw cache`: the compiled programs kept across runs (`diffhw.engine.store`).

    diffhw cache info                    where the caches are, how many entries, how big
    diffhw cache clear                   remove them (the next runs compile again)
    diffhw cache warm [--templates os ws rs dla] [--models resnet50 mobilenetv2 vgg16]
                      [--hw FILE ...] [--codesign mobilenetv2 ...] [--objective edp]

`warm` compiles and stores ahead of time the programs of `diffhw maestro` of the --models under each of the
--templates on the --hw files (the exact state analyses and evaluations) and of `diffhw codesign` of each
--codesign network (its relaxed gradient programs and exact evaluator). Small batches are evaluated eagerly
in NumPy without programs (`diffhw.engine.eager`); batches of 1,025-16,384 items use a stored program when
there is one, larger ones compile theirs once. Items whose case spaces the warm-up did not meet still
compile once, the first time a batch large enough meets them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from diffhw.cli.common import DEFAULT_HW

WARM_TEMPLATES = ("os", "ws", "rs", "dla")
WARM_MODELS = ("resnet50", "mobilenetv2", "vgg16")
WARM_CODESIGN = ("mobilenetv2",)


def _root() -> Path | None:
    from diffhw.engine.store import cache_root

    return cache_root()


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def cmd_cache(args) -> int:
    from diffhw.engine import store

    root = _root()
    if root is None:
        print("the caches are off (DIFFHW_CACHE_DIR=off): nothing is kept across runs")
        return 0 if args.action == "info" else 2
    if args.action == "info":
        got = store.info(root)
        p, j = got["programs"], got["jax"]
        print(f"cache root {root} (DIFFHW_CACHE_DIR to move it, =off to disable)")
        print(f"  programs: {p['entries']} compiled programs, {_size(p['bytes'])} in {p['path']} "
              f"({len(p['versions'])} diffhw/JAX version(s))")
        print(f"  jax:      {j['entries']} XLA compilation-cache entries, {_size(j['bytes'])} in {j['path']}")
        return 0
    if args.action == "clear":
        print(f"removed {_size(store.clear(root))} from {root}")
        return 0
    return _warm(args)


def _warm(args) -> int:
    """`cache warm` with every program compiled (a first run evaluates small batches eagerly, without
    programs: `diffhw.engine.eager`); DIFFHW_EAGER is restored after (a `diffhw serve` runs more commands)."""
    before = os.environ.get("DIFFHW_EAGER")
    os.environ["DIFFHW_EAGER"] = "off"
    try:
        return _compile_all(args)
    finally:
        if before is None:
            os.environ.pop("DIFFHW_EAGER", None)
        else:
            os.environ["DIFFHW_EAGER"] = before


def _compile_all(args) -> int:
    from diffhw.cli import main
    from diffhw.cli.maestro import run_maestro
    from diffhw.engine.store import info

    t0 = time.perf_counter()
    before = info(_root())["programs"]["entries"]
    for t in args.templates:
        print(f"warm: maestro {' '.join(args.models)} --dataflow {t} ({time.perf_counter() - t0:.0f} s)", flush=True)
        _, errors = run_maestro([], args.hw or [str(DEFAULT_HW)], models=args.models, dataflow=t)
        for e in errors[:3]:
            print(f"warning: {e}", file=sys.stderr)
    for net in args.codesign:
        print(f"warm: codesign {net} --objective {args.objective} ({time.perf_counter() - t0:.0f} s)", flush=True)
        with tempfile.TemporaryDirectory(prefix="diffhw-warm-") as tmp:
            code = main(["codesign", "--network", net, "--objective", args.objective, "--out",
                         os.path.join(tmp, "run"), "--quiet"])
        if code not in (0, 1):
            return code
    after = info(_root())["programs"]
    print(f"warm: {after['entries'] - before} programs added, {after['entries']} in the store "
          f"({_size(after['bytes'])}), {time.perf_counter() - t0:.0f} s")
    return 0


def add_parser(sub) -> None:
    from diffhw.dataflow import TEMPLATES

    c = sub.add_parser("cache", help="the compiled programs kept across runs: info, clear, warm")
    c.add_argument("action", choices=("info", "clear", "warm"),
                   help="info: where and how big; clear: remove; warm: fill ahead of time")
    c.add_argument("--templates", nargs="+", default=list(WARM_TEMPLATES), choices=list(TEMPLATES), metavar="NAME",
                   help=f"warm: dataflow templates of the models' CONV layers (default: {' '.join(WARM_TEMPLATES)}; "
                        "DSCONV layers get dpt, GEMM layers gemm, as in diffhw maestro)")
    c.add_argument("--models", nargs="+", default=list(WARM_MODELS), metavar="MODEL",
                   help=f"warm: models evaluated under each template (default: {' '.join(WARM_MODELS)})")
    c.add_argument("--hw", nargs="+", action="extend", metavar="FILE",
                   help=f"warm: hardware files (default: the shipped {DEFAULT_HW.name})")
    c.add_argument("--codesign", nargs="*", default=list(WARM_CODESIGN), metavar="NETWORK",
                   help=f"warm: networks whose `diffhw codesign` is run (default: {' '.join(WARM_CODESIGN)}; "
                        "none: --codesign with no name)")
    c.add_argument("--objective", default="edp", choices=("latency", "energy", "edp"),
                   help="warm: the codesign objective")
    c.set_defaults(func=cmd_cache)

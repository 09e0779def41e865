"""Running a sweep: in memory (`sweep`) or to files with resume and several processes (`run_eval`)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from diffhw.hardware import HW_FIELDS, HardwareSpec
from diffhw.sweep.aggregate import CSV_ENERGY_OUTPUTS, EvalConfig, aggregate
from diffhw.sweep.files import _merge, _remove_parts, _write_part, have_pyarrow, output_fingerprint
from diffhw.sweep.models import Models
from diffhw.sweep.plan import AGG_OUTPUTS, Plan, evaluate_plan


class EvalError(Exception):
    """A run that cannot start or finish (existing output, mismatched resume, missing pyarrow, ...)."""



def device_name(devices=None) -> str:
    import jax

    devices = devices or jax.local_devices()
    d = devices[0]
    kind = getattr(d, "device_kind", d.platform)
    return f"{d.platform} ({kind}) x{len(devices)}" + (
        f", process {jax.process_index()}/{jax.process_count()}" if jax.process_count() > 1 else "")



class Progress:
    """A one-line progress bar on stderr with a rate."""

    def __init__(self, total: int, label: str, unit: str, enabled: bool = True):
        self.total, self.label, self.unit, self.enabled = max(total, 1), label, unit, enabled
        self.done, self.t0, self.last = 0, time.perf_counter(), 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self.last > (0.2 if self.tty else 5.0) or self.done >= self.total):
            self.last = now
            rate = self.done / max(now - self.t0, 1e-9)
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
            msg = (f"{self.label} [{bar}] {100 * frac:5.1f}% {self.done:,}/{self.total:,} "
                   f"{rate:,.0f} {self.unit}/s")
            sys.stderr.write(("\r" + msg) if self.tty else msg + "\n")
            if self.tty and self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()



def sweep(models: Models, hardware: Sequence[HardwareSpec], cfg: EvalConfig = EvalConfig(), devices=None):
    """In-memory sweep (no files): (network columns, per-layer columns or None), rows ordered
    (model, hw, dataflow)."""
    plan = Plan(models, list(hardware), list(cfg.dataflows), dict(cfg.rule), dict(cfg.library))
    results, codes = evaluate_plan(plan, _outputs(cfg), devices=devices)
    return aggregate(plan, results, codes, np.arange(len(models)), cfg, per_layer=cfg.per_layer)



def _outputs(cfg: EvalConfig) -> tuple[str, ...]:
    """The layer outputs a sweep evaluates for `cfg`."""
    from diffhw.results import OUTPUTS

    base = OUTPUTS if cfg.per_layer else AGG_OUTPUTS
    return base + tuple(k for k in CSV_ENERGY_OUTPUTS if k not in base) if cfg.csv_energy else base



def _fingerprint(models: Models, hardware, cfg: EvalConfig) -> str:
    payload = {"models": models.digest(), "n": len(models),
               "hardware": [[h.name] + [getattr(h, f) for f in HW_FIELDS] for h in hardware],
               "dataflows": list(cfg.dataflows), "rule": dict(cfg.rule), "area": cfg.area_budget,
               "power": cfg.power_budget, "per_layer": cfg.per_layer, "chunk": cfg.chunk_models, "fmt": cfg.fmt}
    if cfg.csv_energy:
        payload["csv_energy"] = True
    if cfg.library:  # a dataflow file's directives, not only its name
        payload["library"] = {k: repr(v.directives) for k, v in cfg.library.items()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]



def _barrier(name: str, parts_dir: Path, expected: Sequence[Path], timeout_s: float, process_id: int) -> None:
    """Every process meets at the jax.distributed coordination service when available; process 0, which
    merges, then also waits (shared filesystem) until every expected part file exists. The others must not
    poll the files: process 0 deletes them once merged, so a late poll would wait forever."""
    try:
        from jax._src import distributed

        client = distributed.global_state.client
        if client is not None:
            client.wait_at_barrier(name, int(timeout_s * 1000))
    except Exception:  # noqa: BLE001 - fall back to polling the files
        pass
    if process_id != 0:
        return
    t0 = time.perf_counter()
    while not all(p.exists() for p in expected):
        if time.perf_counter() - t0 > timeout_s:
            missing = [p.name for p in expected if not p.exists()]
            raise EvalError(f"timed out waiting for {len(missing)} part file(s) of other processes in "
                            f"{parts_dir} (e.g. {missing[0]}); rerun with --resume")
        time.sleep(0.2)



def run_eval(models: Models, hardware: Sequence[HardwareSpec], cfg: EvalConfig, out, resume: bool = False,
             devices=None, process_id: int = 0, num_processes: int = 1, progress: bool = True,
             barrier_timeout_s: float = 3600.0) -> dict:
    """Evaluate and write `out` (see the module docstring). Returns the summary dict."""
    t0 = time.perf_counter()
    out = Path(out)
    if cfg.fmt == "parquet" and not have_pyarrow():
        raise EvalError("Parquet output needs pyarrow: pip install 'diffhw[parquet]' (or pyarrow), "
                        "or pass --format csv")
    if cfg.fmt not in ("parquet", "csv", "json"):
        raise EvalError(f"unknown format {cfg.fmt!r}: use parquet, csv or json")
    layers_out = out.with_name(out.stem + ".layers" + out.suffix) if cfg.per_layer else None
    parts_dir = out.with_name(out.name + ".parts")
    fp = _fingerprint(models, hardware, cfg)
    m = len(models)
    nchunks = -(-m // cfg.chunk_models)
    nh, nd = len(hardware), len(cfg.dataflows)
    summary = {"out": str(out), "rows": 0, "models": m, "hardware": nh, "dataflows": nd}
    if out.exists():
        if not resume:
            raise EvalError(f"{out} exists; choose another --out or pass --resume to finish an interrupted "
                            "run (a run never overwrites results)")
        found = output_fingerprint(out)
        if found != fp:
            raise EvalError(f"{out} exists and was not written by this run (" + (
                "other models, hardware, dataflows or options" if found else "it records no diffhw run") +
                "): --resume only finishes the same command; choose another --out")
        if process_id == 0:
            _remove_parts(parts_dir)  # a kill during the last cleanup left some behind
        summary.update(rows_total=m * nh * nd, rows=0, wall_s=time.perf_counter() - t0, note="already complete")
        return summary
    # (several processes share the parts folder: whichever starts first creates it; the manifest's
    # fingerprint still refuses the parts of a different run)
    if parts_dir.exists() and not resume and num_processes == 1:
        raise EvalError(f"{parts_dir} holds the parts of an interrupted run: pass --resume to continue it, or "
                        "remove it")
    parts_dir.mkdir(parents=True, exist_ok=True)
    manifest = parts_dir / "run.json"
    info = {"fingerprint": fp, "chunks": nchunks, "chunk_models": cfg.chunk_models, "format": cfg.fmt}
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text())
        except (OSError, ValueError):
            old = {}
        if old.get("fingerprint") != fp:
            raise EvalError(f"{parts_dir} belongs to a different run (other models, hardware, dataflows or "
                            "options); remove it or use another --out")
    elif any(parts_dir.glob("chunk-*")) or any(parts_dir.glob("layers-*")):
        raise EvalError(f"{parts_dir} holds chunk files of an unknown run (no run.json): remove it or use "
                        "another --out")
    else:
        tmp = parts_dir / f"run.json.{process_id}.tmp"
        tmp.write_text(json.dumps(info))
        os.replace(tmp, manifest)
    ext = {"parquet": "parquet", "csv": "csv", "json": "jsonl"}[cfg.fmt]
    part = lambda k: parts_dir / f"chunk-{k:06d}.{ext}"  # noqa: E731
    lpart = lambda k: parts_dir / f"layers-{k:06d}.{ext}"  # noqa: E731
    mine = [k for k in range(nchunks) if k % num_processes == process_id and not part(k).exists()]
    stop_after = int(os.environ.get("DIFFHW_EVAL_STOP_AFTER", "-1"))  # test hook: simulate a kill
    written = 0
    layer_evals = 0
    n_items = 0
    if mine:
        idx = np.concatenate([np.arange(k * cfg.chunk_models, min(m, (k + 1) * cfg.chunk_models)) for k in mine])
        sub = models.take(idx)
        plan = Plan(sub, list(hardware), list(cfg.dataflows), dict(cfg.rule), dict(cfg.library))
        n_items = int((plan.ut_error == 0).sum()) * len(plan.hw_keys)
        if progress:
            print(f"eval: {len(idx):,} models x {nh} hw x {nd} dataflows = {n_items:,} distinct (layer, hw, "
                  "dataflow) items; tracing and compiling the cost model (one program per dataflow group), then "
                  "evaluating", file=sys.stderr, flush=True)
        bar = Progress(n_items, "evaluate", "distinct items", progress)
        results, codes = evaluate_plan(plan, _outputs(cfg), devices=devices, progress=bar)
        t_eval = time.perf_counter()
        nvalid = sub.lengths()
        bar = Progress(len(idx) * nh * nd, "write", "rows", progress)
        pos = 0
        for k in mine:
            cnt = min(m, (k + 1) * cfg.chunk_models) - k * cfg.chunk_models
            local = np.arange(pos, pos + cnt)
            pos += cnt
            cols, lcols = aggregate(plan, results, codes, local, cfg, per_layer=cfg.per_layer)
            if lcols is not None:
                _write_part(lcols, lpart(k), cfg.fmt)
            if stop_after >= 0 and written >= stop_after:
                os._exit(3)  # simulated kill: the layers part of this chunk is on disk, its network part not
            _write_part(cols, part(k), cfg.fmt)
            written += 1
            summary["rows"] += cnt * nh * nd
            layer_evals += int(nvalid[local].sum()) * nh * nd
            bar(cnt * nh * nd)
        summary["eval_s"] = t_eval - t0
    if num_processes > 1:
        _barrier("diffhw-eval-done", parts_dir, [part(k) for k in range(nchunks)], barrier_timeout_s,
                 process_id)
    if process_id == 0:
        parts = [part(k) for k in range(nchunks)]
        missing = [p for p in parts if not p.exists()]
        if missing:
            raise EvalError(f"{len(missing)} chunk(s) missing in {parts_dir}; rerun with --resume")
        if layers_out is not None:  # first: OUT's presence marks the run finished
            summary["layer_rows_total"] = _merge([lpart(k) for k in range(nchunks)], layers_out, cfg.fmt, fp)
            summary["layers_out"] = str(layers_out)
        summary["rows_total"] = _merge(parts, out, cfg.fmt, fp)
        _remove_parts(parts_dir)
    wall = time.perf_counter() - t0
    summary.update(chunks_written=written, unique_evals=n_items, layer_evals=layer_evals, wall_s=wall,
                   evals_per_s=layer_evals / wall if wall > 0 else 0.0, device=device_name(devices))
    return summary

"""Acceptance check of `diffhw export` (issue 18) with the real MAESTRO binary.

    MAESTRO_BIN=/tmp/maestro/maestro python experiments/export/acceptance.py --out /tmp/export-acceptance

1. `diffhw codesign --network mobilenet_v2 --out RUN` (default gradient method; `--quick` uses random search
   with 32 evaluations), then `diffhw export RUN --out B_run`;
2. `diffhw export <PyTorch factory> --hw HW --dataflow os` (a small CNN defined in this folder, tnets.py);
3. `diffhw export <that module's torch.onnx.export file> --hw HW --dataflow os`.

For each bundle: every file exists; MAESTRO on maestro/mapping.m + maestro/hw.m gives design.json's
per-layer and total latency exactly; onnxruntime runs model.onnx and model.int8.onnx; the chained subgraphs
equal the full model's outputs to 1e-5; allocation.json's keys are model.onnx's node names, each NAME:index;
timeloop/arch.yaml parses and holds the PE count and buffer sizes. Prints one line per check and a JSON
summary; exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FILES = ("design.json", "maestro/model.m", "maestro/mapping.m", "maestro/hw.m", "model.onnx", "model.int8.onnx",
         "allocation.json", "subgraphs/manifest.json", "timeloop/arch.yaml", "report.md")


def maestro_layers(bundle: Path, binary: str) -> list[tuple[str, int]]:
    """(layer, runtime cycles) per layer as the MAESTRO binary reports them for the bundle."""
    with tempfile.TemporaryDirectory() as tmp:
        for f in ("mapping.m", "hw.m"):
            shutil.copy(bundle / "maestro" / f, tmp)
        subprocess.run([binary, "--HW_file=hw.m", "--Mapping_file=mapping.m", "--print_res=false",
                        "--print_res_csv_file=true", "--print_log_file=false"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(Path(tmp) / "mapping.csv", newline="") as f:
            rows = [{k.strip(): v.strip() for k, v in r.items()} for r in csv.DictReader(f)]
    return [(r["Layer Number"], int(r["Runtime (Cycles)"])) for r in rows]


def check_bundle(bundle: Path, binary: str) -> dict:
    import onnx
    import onnxruntime as ort

    from diffhw.exporters.allocation import DEVICE_RE, run_chain
    from diffhw.exporters.onnx import input_specs, random_inputs
    from diffhw.exporters.timeloop import load_yaml

    out = {}
    out["files"] = all((bundle / f).is_file() for f in FILES)
    doc = json.loads((bundle / "design.json").read_text())
    m = maestro_layers(bundle, binary)
    ours = [r["latency_cycles"] for r in doc["layers"]]
    out["maestro_layers"] = len(m)
    out["maestro_per_layer_equal"] = [x[1] for x in m] == ours
    out["maestro_total"] = sum(x[1] for x in m)
    out["design_total"] = doc["totals"]["latency_cycles"]
    out["maestro_total_equal"] = out["maestro_total"] == out["design_total"]
    model = onnx.load(bundle / "model.onnx")
    feeds = random_inputs(input_specs(model), 1, 123)[0]
    full = ort.InferenceSession(str(bundle / "model.onnx")).run(None, feeds)
    q = ort.InferenceSession(str(bundle / "model.int8.onnx")).run(None, feeds)
    out["onnxruntime_runs"] = bool(full) and bool(q) and all(np.all(np.isfinite(x)) for x in full + q)
    env = run_chain(bundle / "subgraphs", feeds)
    out["chain_max_abs_diff"] = max(float(np.abs(env[o.name] - f).max()) for o, f in zip(model.graph.output, full))
    out["chain_ok"] = out["chain_max_abs_diff"] <= 1e-5
    alloc = json.loads((bundle / "allocation.json").read_text())
    out["allocation_keys_equal"] = sorted(alloc) == sorted(n.name for n in model.graph.node) and \
        len(alloc) == len(model.graph.node) and all(DEVICE_RE.fullmatch(v) for v in alloc.values())
    arch = load_yaml((bundle / "timeloop/arch.yaml").read_text())["architecture"]
    nodes = {n["name"]: n for n in arch["nodes"]}
    hw = doc["hardware"]
    out["arch_ok"] = (nodes["PE"]["spatial"]["meshX"] == hw["num_pes"] and
                      nodes["shared_glb"]["attributes"]["depth"] == hw["l2_size"] and
                      nodes["pe_spad"]["attributes"]["depth"] == hw["l1_size"])
    out["int8_max_abs_diff"] = doc["int8"]["max_abs_diff"]
    out["int8_max_abs_float"] = doc["int8"]["max_abs_float"]
    out["subgraphs"] = doc["allocation"]["subgraphs"]
    out["ok"] = all(out[k] for k in ("files", "maestro_per_layer_equal", "maestro_total_equal", "onnxruntime_runs",
                                     "chain_ok", "allocation_keys_equal", "arch_ok"))
    return out


def diffhw(*args, env=None) -> float:
    t = time.perf_counter()
    subprocess.run(["diffhw", *map(str, args)], check=True, stdin=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--maestro", default=os.environ.get("MAESTRO_BIN", "/tmp/maestro/maestro"))
    ap.add_argument("--quick", action="store_true", help="random search, 32 evaluations, instead of gradient")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=False)
    results = {}
    run = a.out / "RUN"
    search = ["--method", "random", "--budget-evals", "32"] if a.quick else []
    results["codesign_s"] = diffhw("codesign", "--network", "mobilenet_v2", "--out", run, "--quiet", *search)
    results["export_run_s"] = diffhw("export", run, "--out", a.out / "B_run")
    results["run"] = check_bundle(a.out / "B_run", a.maestro)
    hw = a.out / "hw.m"
    hw.write_text("num_pes: 64\nl1_size_cstr: 1024\nl2_size_cstr: 262144\nnoc_bw_cstr: 64\noffchip_bw_cstr: 32\n")
    env = {**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    results["export_torch_s"] = diffhw("export", "tnets:cnn", "--input-shape", "1,3,64,64", "--hw", hw,
                                       "--dataflow", "os", "--out", a.out / "B_torch", env=env)
    results["torch"] = check_bundle(a.out / "B_torch", a.maestro)
    sys.path.insert(0, str(HERE))
    import torch
    import tnets

    onnx_file = a.out / "cnn.onnx"
    torch.onnx.export(tnets.cnn().eval(), (torch.randn(1, 3, 64, 64),), str(onnx_file), dynamo=True)
    results["export_onnx_s"] = diffhw("export", onnx_file, "--hw", hw, "--dataflow", "os", "--out", a.out / "B_onnx")
    results["onnx"] = check_bundle(a.out / "B_onnx", a.maestro)
    for k in ("run", "torch", "onnx"):
        print(f"{k}: {'OK' if results[k]['ok'] else 'FAILED'} {results[k]}")
    (a.out / "acceptance.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    return 0 if all(results[k]["ok"] for k in ("run", "torch", "onnx")) else 1


if __name__ == "__main__":
    sys.exit(main())

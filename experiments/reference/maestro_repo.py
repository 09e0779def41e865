"""diffhw against the real MAESTRO binary on files nobody here wrote: MAESTRO's own repository.

    python experiments/reference/maestro_repo.py --maestro /tmp/maestro/maestro \
        --mapping /tmp/maestro/data/mapping/*.m --hw /tmp/maestro/data/hw/accelerator_1.m --pes 16 64 256 512 \
        [--json summary.json] [--csv rows.csv]

For every (mapping file, hardware file) MAESTRO runs on the whole file; when it fails (exit status != 0,
timeout, fewer CSV rows than layers), each layer runs alone (with the layers it inherits its Dataflow from,
and the file's Constants). diffhw evaluates the same files (`diffhw.cli.maestro.run_maestro`). Per layer row:
MAESTRO's CSV columns against diffhw's (integers equal, floats to MAESTRO's 6 printed digits).

Reports: rows MAESTRO evaluates, rows diffhw produces of those, rows equal, and layers where MAESTRO fails
but diffhw gives numbers without an error (must be 0). `--pes N ...` adds hardware files derived from the
first `--hw` file with N PEs.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

#: MAESTRO CSV column -> diffhw output (MAESTRO's header, stripped; the second "Compute Delay (Min)" is Max).
CSV_COLUMNS = {
    "Runtime (Cycles)": "runtime_cycles", "Activity count-based Energy (nJ)": "csv_energy_nJ",
    "Throughput (MACs/Cycle)": "throughput_macs_per_cycle", "Area": "area", "Power": "power",
    "Avg BW Req": "avg_noc_bw_req", "Peak BW Req": "peak_noc_bw_req",
    "Offchip BW Req (Elements/cycle)": "offchip_bw_req", "L2 SRAM Size Req (Bytes)": "total_l2_size_req",
    "L1 SRAM Size Req (Bytes)": "total_l1_size_req", "Num MACs": "num_macs", "PE power": "pe_power",
    "L1 power": "l1_power", "L2 power": "l2_power", "NOC power": "noc_power",
    **{f"{t} {lv} {rw}": f"{t}_{lv}_{'read' if rw == 'read' else 'write'}"
       for t in ("input", "filter", "output") for lv in ("l1", "l2") for rw in ("read", "write")},
    **{f"{t} reuse factor": f"{t}_reuse_factor" for t in ("input", "filter", "output")},
    "Ingress Delay (Min)": "ingress_delay_min", "Ingress Delay (Max)": "ingress_delay_max",
    "Ingress Delay (Avg)": "ingress_delay_avg", "Egress Delay (Min)": "egress_delay_min",
    "Egress Delay (Max)": "egress_delay_max", "Egress Delay (Avg)": "egress_delay_avg",
    "Compute Delay (Min)": "compute_delay_min", "Compute Delay (Max)": "compute_delay_max",
    "Compute Delay (Avg)": "compute_delay_avg", "Avg number of utilized PEs": "avg_utilized_pes",
    "Arithmetic Intensity": "arithmetic_intensity",
}


# ------------------------------------------------------------------------------------ file splitting


def split_layers(text: str) -> tuple[str, list[dict]]:
    """(Constant lines, layers): per layer its text `Layer ... { ... }`, its name as written and whether it
    has a Dataflow block. Comments are dropped; braces are matched on the comment-free text."""
    clean = "\n".join(line.split("//", 1)[0] for line in text.split("\n"))
    constants = "\n".join(m.group() for m in re.finditer(r"(?m)^\s*Constant\b[^\n]*", clean))
    layers = []
    for m in re.finditer(r"\bLayer\b", clean):
        open_at = clean.find("{", m.end())
        if open_at < 0:
            break
        depth, j = 0, open_at
        while j < len(clean):
            depth += {"{": 1, "}": -1}.get(clean[j], 0)
            if depth == 0:
                break
            j += 1
        body = clean[m.start():j + 1]
        if layers and m.start() < layers[-1]["end"]:
            continue  # a 'Layer' word inside the previous layer's block
        layers.append({"text": body, "name": clean[m.end():open_at].strip(), "end": j + 1,
                       "dataflow": re.search(r"\bDataflow\b", body) is not None,
                       "line": clean.count("\n", 0, m.start()) + 1})
    return constants, layers


def alone(constants: str, layers: list[dict], i: int) -> tuple[str, int]:
    """A mapping file with layer i and the layers before it up to the one whose Dataflow it inherits;
    (text, index of layer i's row in that file)."""
    first = i
    while first > 0 and not layers[first]["dataflow"]:
        first -= 1
    body = "\n".join(l["text"] for l in layers[first:i + 1])
    return f"{constants}\nNetwork net {{\n{body}\n}}\n", i - first


# ------------------------------------------------------------------------------------------ MAESTRO


def run_binary(binary: str, mapping_text: str, hw_text: str, timeout: float = 60.0) -> tuple[int, list[dict], str]:
    """(exit status, CSV rows as dicts in file order, last lines of the screen output). -9 = timeout."""
    with tempfile.TemporaryDirectory() as d:
        Path(d, "map.m").write_text(mapping_text)
        Path(d, "hw.m").write_text(hw_text)
        try:
            p = subprocess.run([binary, "--HW_file=hw.m", "--Mapping_file=map.m", "--print_res=false",
                                "--print_res_csv_file=true", "--print_log_file=false"], cwd=d,
                               capture_output=True, text=True, errors="replace", timeout=timeout)
            rc, out = p.returncode, (p.stdout + p.stderr)[-400:]
        except subprocess.TimeoutExpired:
            rc, out = -9, "timeout"
        rows = []
        csv_path = Path(d, "map.csv")
        if csv_path.exists():
            with open(csv_path, newline="") as f:
                reader = csv.reader(f)
                header = [h.strip() for h in next(reader, [])]
                seen = Counter()
                names = []
                for h in header:
                    seen[h] += 1
                    names.append("Compute Delay (Max)" if h == "Compute Delay (Min)" and seen[h] == 2 else h)
                rows = [{k: v.strip() for k, v in zip(names, r)} for r in reader if r]
    return rc, rows, out


def maestro_layers(binary: str, text: str, hw_text: str) -> list[dict]:
    """Per layer of the file: {'row': CSV row or None, 'rc', 'out', 'alone': bool}."""
    constants, layers = split_layers(text)
    rc, rows, out = run_binary(binary, text, hw_text)
    if rc == 0 and len(rows) == len(layers):
        return [{"row": r, "rc": 0, "out": "", "alone": False} for r in rows]
    res = []
    for i in range(len(layers)):
        mtext, pos = alone(constants, layers, i)
        rc, rows, out = run_binary(binary, mtext, hw_text)
        ok = rc == 0 and len(rows) > pos
        res.append({"row": rows[pos] if ok else None, "rc": rc, "out": out, "alone": True})
    return res


# --------------------------------------------------------------------------------------- comparison


def equal(theirs: str, ours) -> bool:
    """MAESTRO's printed value against diffhw's: integers exactly, floats to 6 significant digits."""
    if isinstance(ours, (int,)) or (hasattr(ours, "dtype") and ours.dtype.kind in "iu"):
        try:
            return int(theirs) == int(ours)
        except ValueError:
            return False
    t, o = float(theirs), float(ours)
    if math.isnan(t) or math.isnan(o):
        return math.isnan(t) and math.isnan(o)
    if math.isinf(t) or math.isinf(o):
        return t == o
    return math.isclose(t, o, rel_tol=6e-6, abs_tol=1e-12) or f"{o:.6g}" == f"{t:.6g}"


def compare(maestro: list[dict], names: list[str], hw: str, ours: dict, notes: dict, columns) -> list[dict]:
    """One record per layer on hardware `hw`: status and the differing columns."""
    recs = []
    for i, (m, name) in enumerate(zip(maestro, names)):
        row = ours.get((hw, i))
        rec = {"layer": name, "index": i, "maestro_rc": m["rc"], "alone": m["alone"],
               "diffhw_notes": notes.get(i, []), "diff": []}
        if m["row"] is None:
            rec["status"] = "maestro_fails_diffhw_error" if row is None else "maestro_fails_diffhw_numbers"
        elif row is None:
            rec["status"] = "missing"
        else:
            # a layer run alone has no previous layer, whose L1 counts MAESTRO's CSV energy may take
            cols = {c: k for c, k in columns.items() if not (m["alone"] and k == "csv_energy_nJ")}
            rec["diff"] = [(c, m["row"][c], row[k]) for c, k in cols.items()
                           if c in m["row"] and k in row and not equal(m["row"][c], row[k])]
            rec["status"] = "equal" if not rec["diff"] else "different"
        recs.append(rec)
    return recs


def diffhw_layers(path: str, hw_paths: list[str]) -> tuple[dict, dict]:
    """diffhw's rows per (hw name, layer index) for every hardware file in one run, and its errors and
    warnings per layer index (matched by line number)."""
    from diffhw.cli.maestro import run_maestro

    warnings: list = []
    rows, errors = run_maestro([path], hw_paths, csv_energy=True, warnings=warnings)
    _, layers = split_layers(Path(path).read_text(errors="replace"))
    by_name: dict[str, list[int]] = {}
    for i, l in enumerate(layers):
        by_name.setdefault(l["name"], []).append(i)
    ours, used = {}, Counter()
    for r in rows:
        idx = by_name.get(r["layer"], [])
        key = (r["hw"], r["layer"])
        if used[key] < len(idx):
            ours[(r["hw"], idx[used[key]])] = r
            used[key] += 1
    notes: dict[int, list[str]] = {}
    for kind, items in (("error", errors), ("warning", warnings)):
        for e in items:
            i = max((k for k, l in enumerate(layers) if l["line"] <= (e.line or 0)), default=None)
            if i is not None:
                notes.setdefault(i, []).append(f"{kind}: {e.message}")
    return ours, notes


def make_hw(base: str, pes: int) -> str:
    lines = [l for l in base.split("\n") if not l.strip().startswith("num_pes")]
    return f"num_pes: {pes}\n" + "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maestro", default="/tmp/maestro/maestro")
    ap.add_argument("--mapping", nargs="+", required=True)
    ap.add_argument("--hw", nargs="+", required=True)
    ap.add_argument("--pes", nargs="*", type=int, default=[])
    ap.add_argument("--json", help="write the summary and per-layer records here")
    ap.add_argument("--csv", help="write one row per (mapping, hw, layer) here")
    args = ap.parse_args(argv)

    hws = [(Path(h).stem, Path(h).read_text()) for h in args.hw]
    hws += [(f"pe{p}", make_hw(hws[0][1], p)) for p in args.pes]
    recs = []
    with tempfile.TemporaryDirectory() as hwdir:
        hw_paths = []
        for hw_name, hw_text in hws:
            hw_paths.append(str(Path(hwdir, hw_name + ".m")))
            Path(hw_paths[-1]).write_text(hw_text)
        for mp in args.mapping:
            text = Path(mp).read_text(errors="replace")
            _, layers = split_layers(text)
            ours, notes = diffhw_layers(mp, hw_paths)
            for hw_name, hw_text in hws:
                m = maestro_layers(args.maestro, text, hw_text)
                new = compare(m, [l["name"] for l in layers], hw_name, ours, notes, CSV_COLUMNS)
                recs.extend({"mapping": Path(mp).name, "hw": hw_name, **r} for r in new)
                print(f"{Path(mp).name:<28} {hw_name:<14} {dict(Counter(r['status'] for r in new))}", flush=True)
    c = Counter(r["status"] for r in recs)
    evaluated = c["equal"] + c["different"] + c["missing"]
    summary = {"rows": len(recs), "maestro_evaluates": evaluated, "diffhw_produces": c["equal"] + c["different"],
               "equal": c["equal"], "different": c["different"], "missing": c["missing"],
               "maestro_fails_diffhw_error": c["maestro_fails_diffhw_error"],
               "maestro_fails_diffhw_numbers": c["maestro_fails_diffhw_numbers"]}
    print(json.dumps(summary, indent=1))
    diff_cols = Counter(d[0] for r in recs for d in r["diff"])
    if diff_cols:
        print("differing columns:", dict(diff_cols.most_common(12)))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "records": recs}, indent=1, default=str))
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["mapping", "hw", "layer", "index", "status", "maestro_rc", "alone",
                                              "diffhw_notes", "diff"])
            w.writeheader()
            for r in recs:
                w.writerow({k: r[k] for k in w.fieldnames})
    return 0 if summary["maestro_fails_diffhw_numbers"] == 0 and evaluated == summary["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""The tinyML'22 semi-decoupled co-design study's NAS-Bench-301 pipeline with diffhw in place of MAESTRO.

    git clone https://github.com/Ren-Research/CoDesign /path/to/CoDesign
    python experiments/semi_decoupled/run.py --study /path/to/CoDesign [--dataflow rs] [--json out.json]
        [--maestro /tmp/maestro/maestro --check 5]

The study (Lu et al., "A Semi-Decoupled Approach to Fast and Optimal Hardware-Software Co-Design of Neural
Accelerators", tinyML'22) evaluated 1,018 NAS-Bench-301 networks with MAESTRO and released, per dataflow and
accelerator, two pickles: the per-model sum of MAESTRO's CSV "Runtime (Cycles)" and "Activity count-based Energy
(nJ)" columns (`tools/frontend/nasbench/data/<dataflow>/<run>/acc1_{latency,energy}.pickle`).

Steps, all from the checkout's files:
1. networks: the genotypes `model_genotype.pickle[model_index.pickle[i]]`, regenerated as the study's MAESTRO
   files (`networks.py`: its layer names `Conv2d-n` / `Linear-n`, its 16x16 input and auxiliary head), mapped
   with its `tools/frontend/dataflow/<dataflow>.m` (DSCONV layers with `dpt.m`);
2. diffhw (exact model, `diffhw.frontends.maestro.parse_model` + `diffhw.evaluate.evaluate(csv_energy=True)`)
   on every hardware file of the checkout (`data/hw/*.m`, `tools/frontend/nasbench/data/*.m`);
3. per model the study's totals: the per-layer values as MAESTRO prints them in its CSV (6 significant digits
   for the energy), summed in file order as its `execute_run_example.py` does;
4. per released pickle, the hardware files that reproduce it, and how many models are exactly equal;
5. with `--maestro`, the real binary on `--check` models (and on every model that differs) on the hardware
   file found, to tell a diffhw difference from a difference in the study's run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from networks import layers, load_pickle, mapping_text, model_text  # noqa: E402

NASBENCH = Path("tools/frontend/nasbench")
GENOTYPES = NASBENCH / "model_genotype.pickle"
MODEL_INDEX = NASBENCH / "model_index.pickle"
DATAFLOWS = Path("tools/frontend/dataflow")
CHECKED_IN = Path("data/mapping/0_out.m")
#: MAESTRO appends to an existing CSV file: a released total may be that of k runs of the same file
APPENDED = (2, 3)
HW_GLOBS = ("data/hw/*.m", "tools/frontend/nasbench/data/*.m")


def study_mappings(study: Path, dataflow: str, models: int | None = None) -> list[tuple[str, str]]:
    """(name, mapping text) of the study's first `models` networks (all by default) in its model order, mapped
    with its `dataflow` file; named as the study names them (`{i}_out`)."""
    genotypes, index = load_pickle(study / GENOTYPES), load_pickle(study / MODEL_INDEX)
    flow = (study / DATAFLOWS / f"{dataflow}.m").read_text()
    depthwise = (study / DATAFLOWS / "dpt.m").read_text()
    out = []
    for i, g in enumerate(index[:models]):
        out.append((f"{i}_out", mapping_text(model_text(layers(genotypes[g])), flow, depthwise)))
    return out


def write_mappings(texts: list[tuple[str, str]], folder: Path, only: list[int] | None) -> None:
    """The mapping files (all, or the models `only`) into a new folder, for `diffhw maestro` or MAESTRO."""
    from diffhw.outputs import write_file

    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, text) in enumerate(texts):
        if only is None or i in only:
            write_file(folder / f"{name}.m", text)


def checked_in_network(study: Path, dataflow: str) -> tuple[str, str]:
    """The network of the checkout's `data/mapping/0_out.m` (its `*_out.m` are one network, DARTS genotype 9
    with 100 classes), re-mapped with the study's `dataflow`: some released runs hold its total for every
    model index, i.e. they were made from these files instead of the regenerated ones."""
    text = (study / CHECKED_IN).read_text()
    model = re.sub(r"Dataflow\s*\{[^}]*\}\s*", "", text)
    flow = (study / DATAFLOWS / f"{dataflow}.m").read_text()
    return str(CHECKED_IN), mapping_text(model, flow, (study / DATAFLOWS / "dpt.m").read_text())


def hardware_files(study: Path) -> list[tuple[str, str]]:
    """(name, text) of the checkout's MAESTRO hardware files, and, in a git clone, every earlier version of
    them that differs (named `path@commit`): the study changed some after its runs."""
    current = sorted((p for pat in HW_GLOBS for p in study.glob(pat)),
                     key=lambda p: (str(p.parent), len(p.name), p.name))
    out = [(str(p.relative_to(study)), p.read_text()) for p in current]
    seen = {text for _, text in out}
    try:
        log = subprocess.run(["git", "-C", str(study), "log", "--format=%h", "--name-only", "--", *HW_GLOBS],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return out  # not a git clone: the files as they are
    commit = None
    for line in log.splitlines():
        if line and "/" not in line and not line.endswith(".m"):
            commit = line
        elif line.endswith(".m"):
            old = subprocess.run(["git", "-C", str(study), "show", f"{commit}:{line}"], capture_output=True,
                                 text=True)
            if old.returncode == 0 and old.stdout not in seen:
                seen.add(old.stdout)
                out.append((f"{line}@{commit}", old.stdout))
    return out


def released(study: Path, dataflow: str) -> dict[str, tuple[list, list]]:
    """Released (latency, energy) per run folder, e.g. {'rs_1': ([...], [...]), ...}."""
    out = {}
    for lat in sorted((study / NASBENCH / "data" / dataflow).rglob("acc1_latency.pickle")):
        run = str(lat.parent.relative_to(study / NASBENCH / "data" / dataflow))
        out[run] = (load_pickle(lat), load_pickle(lat.with_name("acc1_energy.pickle")))
    return out


def csv_float(x: float) -> float:
    """A float as MAESTRO's CSV prints it (C++ ostream default: 6 significant digits) and Python reads it."""
    return float(f"{x:.6g}")


def study_total(values) -> float:
    """The study's per-model total: a float sum in file order (its `sum(tmp)`, naive summation)."""
    total = 0.0
    for v in values:
        total += float(v)
    return total


def layer_key(spec) -> tuple:
    return (spec.op, tuple(sorted(spec.dims.items())), tuple(sorted(spec.stride.items())), spec.dataflow)


def evaluate_models(texts: list[tuple[str, str]], hws: list[tuple[str, str]], n_study: int) -> dict:
    """diffhw on every (model, hw): {'latency': [[model totals] per hw], 'energy': ..., 'errors': {...},
    'layers': n, ...}; layers with a filter larger than their input are counted in the first `n_study`
    networks. Identical layers are evaluated once. A layer's CSV energy depends on its predecessor in the
    file (`add_csv_energy`: it may take the previous layer's L1 counts), so it is taken once per (previous
    layer, layer, hw) from a two-layer evaluation in file order."""
    from diffhw.evaluate import Evaluation, add_csv_energy, evaluate
    from diffhw.errors import InputError
    from diffhw.frontends.maestro import parse_hw, parse_model

    specs, hw_errors = [], {}
    for name, text in hws:
        try:
            specs.append(parse_hw(text, file=name))
        except InputError as e:  # e.g. the pre-2021 keys (NumPEs, L1Size) MAESTRO no longer reads
            specs.append(None)
            hw_errors[name] = str(e)
    usable = [j for j, s in enumerate(specs) if s is not None]
    ids: dict[tuple, int] = {}
    unique, nets, errors = [], [], {}
    odd = [0, 0]  # layers with a filter larger than their input, networks with one
    for name, text in texts:
        net, errs = parse_model(text, file=f"{name}.m")
        if errs:
            errors[name] = [str(e) for e in errs]
            continue
        seq = []
        larger = sum(s.dims.get("R", 1) > s.dims.get("Y", 1) or s.dims.get("S", 1) > s.dims.get("X", 1)
                     for s in net.layers)
        if len(nets) < n_study:
            odd[0], odd[1] = odd[0] + larger, odd[1] + (larger > 0)
        for spec in net.layers:
            seq.append(ids.setdefault(layer_key(spec), len(ids)))
            if seq[-1] == len(unique):
                unique.append(spec)
        nets.append((name, seq))
    ev = evaluate(unique, [specs[j] for j in usable])
    layer_errors = sorted({e.message for e in ev.errors})  # layers MAESTRO stops on, on some hardware file
    table = [[None] * len(unique) for _ in specs]  # table[hw][layer id] -> row
    for (i, j), row in zip(ev.items, ev.rows):
        table[usable[j]][i] = row
    energy_of: dict[tuple, float] = {}

    def energy(prev: int | None, cur: int, j: int) -> float:
        key = (prev, cur, j)
        if key not in energy_of:
            pair = [cur] if prev is None else [prev, cur]
            mini = Evaluation(items=[(k, 0) for k in range(len(pair))], rows=[dict(table[j][i]) for i in pair])
            add_csv_energy(mini, [unique[i] for i in pair])
            energy_of[key] = csv_float(mini.rows[-1]["csv_energy_nJ"])
        return energy_of[key]

    latency = [[None] * len(texts) for _ in specs]
    energies = [[None] * len(texts) for _ in specs]
    appended = {k: [[None] * len(texts) for _ in specs] for k in APPENDED}  # the totals of k runs in one CSV
    position = {name: m for m, (name, _) in enumerate(texts)}
    for name, seq in nets:
        m = position[name]
        for j in usable:
            if any(table[j][i] is None for i in seq):
                continue
            cycles = [table[j][i]["runtime_cycles"] for i in seq]
            nj = [energy(seq[k - 1] if k else None, i, j) for k, i in enumerate(seq)]
            latency[j][m], energies[j][m] = study_total(cycles), study_total(nj)
            for k in APPENDED:
                appended[k][j][m] = (study_total(cycles * k), study_total(nj * k))
    return {"latency": latency, "energy": energies, "appended": appended, "errors": errors, "layer_errors": layer_errors, "hw_errors": hw_errors,
            "warnings": len(ev.warnings), "filter_larger_than_input": {"layers": odd[0], "networks": odd[1]},
            "layers": sum(len(seq) for _, seq in nets), "unique_layers": len(unique)}


def match(ours: dict, hw_names: list[str], pickles: dict[str, tuple[list, list]], n_models: int) -> dict:
    """Per released run: the hardware file(s) with the most models equal (latency and energy exactly), the
    counts, and how many of the others are exactly k runs of the model appended in one CSV; and the hardware file on which the most released entries equal the checked-in network's
    total (`checked_in_network`, the last column of `ours`)."""
    out = {}
    for run, (lat, en) in pickles.items():
        n = min(len(lat), n_models)
        per_hw = []
        for j, hw in enumerate(hw_names):
            eq_lat = sum(ours["latency"][j][m] == lat[m] for m in range(n))
            eq_en = sum(ours["energy"][j][m] == en[m] for m in range(n))
            eq_both = sum(ours["latency"][j][m] == lat[m] and ours["energy"][j][m] == en[m] for m in range(n))
            per_hw.append((eq_both, eq_lat, eq_en, hw, j))
        best = max(p[0] for p in per_hw)
        top = [p for p in per_hw if p[0] == best]
        j = top[0][4]
        differ = [m for m in range(n) if ours["latency"][j][m] != lat[m] or ours["energy"][j][m] != en[m]]
        runs_in_csv = {k: [m for m in differ if ours["appended"][k][j][m] == (lat[m], en[m])] for k in APPENDED}
        same = [(sum(ours["latency"][j][-1] == lat[m] and ours["energy"][j][-1] == en[m] for m in range(n)), hw)
                for j, hw in enumerate(hw_names)]
        most = max(s for s, _ in same)
        out[run] = {"models": n, "distinct_released_latencies": len(set(lat)),
                    "hw": [p[3] for p in top] if best else [], "equal_latency": top[0][1], "equal_energy": top[0][2],
                    "equal_both": best, "differ": differ,
                    "appended": {k: len(v) for k, v in runs_in_csv.items() if best},
                    "checked_in_network": {"equal": most, "hw": [hw for s, hw in same if s == most and most]}}
    return out


def maestro_check(binary: str, texts: list[tuple[str, str]], hw_text: str, models: list[int]) -> list[dict]:
    """The real MAESTRO on whole mapping files: its totals as the study computes them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reference"))
    from maestro_repo import run_binary

    out = []
    for m in models:
        rc, rows, tail = run_binary(binary, texts[m][1], hw_text, timeout=600)
        out.append({"model": m, "rc": rc, "rows": len(rows),
                    "latency": study_total(r["Runtime (Cycles)"] for r in rows),
                    "energy": study_total(r["Activity count-based Energy (nJ)"] for r in rows)})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--study", required=True, type=Path, help="a checkout of github.com/Ren-Research/CoDesign")
    ap.add_argument("--dataflow", default="rs", help="a folder of tools/frontend/nasbench/data (default rs)")
    ap.add_argument("--hw", nargs="*", type=Path, default=[], help="more hardware files to try")
    ap.add_argument("--models", type=int, help="only the first N models")
    ap.add_argument("--json", type=Path, help="write the summary here")
    ap.add_argument("--write-mappings", type=Path, metavar="DIR", help="also write the mapping files into DIR")
    ap.add_argument("--only", type=int, nargs="+", metavar="I", help="with --write-mappings: only models I ...")
    ap.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    ap.add_argument("--maestro", help="the real MAESTRO binary, to check models on the hardware file found")
    ap.add_argument("--check", type=int, default=3, help="models checked with --maestro besides those that differ")
    args = ap.parse_args(argv)
    from diffhw.errors import InputError
    from diffhw.outputs import OutputError, check_dir, check_file
    if not (args.study / GENOTYPES).is_file():
        print(f"error: {args.study} is not a checkout of the study (no {GENOTYPES}). Fix: git clone "
              "https://github.com/Ren-Research/CoDesign and pass its folder to --study", file=sys.stderr)
        return 2
    try:
        if args.json is not None:
            check_file(args.json, force=args.force, flag="--json")
        if args.write_mappings is not None:
            check_dir(args.write_mappings, flag="--write-mappings")
        return study(args)
    except (InputError, OutputError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def study(args) -> int:
    t0 = time.perf_counter()
    texts = study_mappings(args.study, args.dataflow, args.models)
    n_models = len(texts)
    if args.write_mappings is not None:
        write_mappings(texts, args.write_mappings, args.only)
    texts.append(checked_in_network(args.study, args.dataflow))
    hws = hardware_files(args.study) + [(str(p), p.read_text()) for p in args.hw]
    hw_names = [name for name, _ in hws]
    ours = evaluate_models(texts, hws, n_models)
    pickles = released(args.study, args.dataflow)
    result = match(ours, hw_names, pickles, n_models)
    elapsed = time.perf_counter() - t0
    print(f"{n_models} networks + the checked-in one ({ours['layers']:,} layers, {ours['unique_layers']} distinct) x "
          f"{len(hws)} hardware files ({len(ours['hw_errors'])} unreadable), diffhw in {elapsed:.1f} s; "
          f"models that do not parse: {len(ours['errors'])}; (distinct layer, hardware) pairs MAESTRO stops on: "
          f"{len(ours['layer_errors'])}; layers with a filter larger than their input (MAESTRO's numbers, a warning): "
          f"{ours['filter_larger_than_input']['layers']:,} in {ours['filter_larger_than_input']['networks']} networks")
    for run, r in result.items():
        on = ", ".join(r["hw"]) if len(r["hw"]) < 4 else f"{len(r['hw'])} files"
        print(f"{args.dataflow}/{run}: {r['equal_both']}/{r['models']} models equal (latency "
              f"{r['equal_latency']}, energy {r['equal_energy']}) on {on or 'no file'}; "
              f"{r['distinct_released_latencies']} distinct released latencies; differ: {r['differ'][:10]}")
        for k, count in r["appended"].items():
            if count:
                print(f"    {count} of those that differ are exactly {k} runs of the model appended in one CSV")
        ci = r["checked_in_network"]
        if ci["equal"]:
            print(f"    {ci['equal']}/{r['models']} entries are the total of {CHECKED_IN} on {', '.join(ci['hw'])}")
    checks = {}
    if args.maestro:
        for run, r in result.items():
            if not r["equal_both"]:
                continue
            j = hw_names.index(r["hw"][0])
            models = sorted(set(range(min(args.check, len(texts)))) | set(r["differ"][:20]))
            lat, en = pickles[run]
            checks[run] = maestro_check(args.maestro, texts, hws[j][1], models)
            for c in checks[run]:
                m = c["model"]
                c.update(released_latency=lat[m], released_energy=en[m],
                         diffhw_latency=ours["latency"][j][m], diffhw_energy=ours["energy"][j][m])
                print(f"  MAESTRO {run} model {m} on {r['hw'][0]}: rc {c['rc']}, latency {c['latency']:.0f} "
                      f"(released {lat[m]:.0f}, diffhw {ours['latency'][j][m]}), energy {c['energy']!r} "
                      f"(released {en[m]!r}, diffhw {ours['energy'][j][m]!r})")
    if args.json is not None:
        from diffhw.outputs import write_file
        summary = {"command": " ".join(["python", "experiments/semi_decoupled/run.py", *sys.argv[1:]]),
                   "networks": n_models, "layers": ours["layers"], "distinct_layers": ours["unique_layers"],
                   "filter_larger_than_input": ours["filter_larger_than_input"], "errors": ours["errors"],
                   "layer_errors": ours["layer_errors"],
                   "unreadable_hw": ours["hw_errors"], "runs": result, "maestro": checks, "seconds": elapsed}
        write_file(args.json, json.dumps(summary, indent=1) + "\n", force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Network-level batched evaluation: models x hardware x dataflows -> one row per (model, hw, dataflow).

The work is planned so that every distinct (layer, hardware, dataflow template) item is evaluated once,
however many networks share it (NAS samples share almost all of their layers: 1,000 DARTS networks have
~33 distinct layers), then scattered back to the networks:

1. `Plan`: the distinct layers of all networks (`np.unique` over the layer fields), the distinct hardware
   as the cost model sees it (`l1_size`/`l2_size` do not change a layer's cost, only feasibility), and per
   swept dataflow the template each layer gets (`rule`: by default DSCONV layers get `dpt` and GEMM layers
   `gemm`, as MAESTRO's frontend does; CONV layers get the swept dataflow).
2. `evaluate_plan`: the valid (layer, template, hw) items grouped by (dataflow structure, layer type,
   batch dim) and evaluated in one `diffhw.evaluate.evaluate_batches` call (each group under its whole
   case space: one compile per group; fixed-size chunks from the dispatch threads, each chunk sharded over
   the local devices). Items MAESTRO cannot run (a dataflow whose clusters
   need more PEs than the hardware has, Y < R, ...) are marked invalid with the reason, never evaluated.
3. `aggregate`: network totals per chunk of models, from per-network (distinct layer, count) lists:
   latency = sum of runtime_cycles, energy = sum of energy_total, num_macs = sum, max_l1_req / max_l2_req =
   max of total_l1/l2_size_req, peak_noc_bw_req / offchip_bw_req = max over layers, edp = latency x energy.
   Area, power and feasibility: `diffhw.feasibility.design_checks`, the definition `diffhw codesign` uses
   too (area/power of the accelerator as built, area_req/power_req with buffers at the requirement;
   buffers and budgets are hard, bandwidth below the requirement only slows the design down).
   A network with an invalid layer on a (hw, dataflow) gets valid=False, the reason in `error`, -1 / NaN
   metrics.
4. `run_eval`: chunks of models written to `<out>.parts/` one file per chunk (atomic rename), `resume`
   skipping the chunks already on disk, several processes (`jax.distributed`) taking chunks round-robin,
   then one merge into `<out>` (Parquet via pyarrow, CSV, or JSON: an array of row objects).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from diffhw.cost.model import DIAGNOSTICS
from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, resolve_numbers, template
from diffhw.errors import InputError
from diffhw.feasibility import FLAGS, design_checks
from diffhw.hardware import HW_FIELDS, INT_MAX, HardwareSpec
from diffhw.layers import OP_NAMES, Layers, LayerSpec
from diffhw.validation import check_pair

__all__ = ["Models", "Plan", "EvalConfig", "DEFAULT_RULE", "AGG_OUTPUTS", "NET_COLUMNS", "parse_rule",
           "models_from_networks", "evaluate_plan",
           "aggregate", "sweep", "run_eval", "EvalError", "have_pyarrow", "read_table"]

#: Per-layer outputs the network totals need.
AGG_OUTPUTS = ("runtime_cycles", "energy_total", "num_macs", "total_l1_size_req", "total_l2_size_req",
               "peak_noc_bw_req", "offchip_bw_req")
#: Layer key fields (one distinct layer = one distinct key).
KEY_FIELDS = ("op", "N", "K", "C", "R", "S", "Y", "X", "M", "stride_y", "stride_x", "has_batch")
#: Template per layer type unless overridden; a type not listed gets the swept dataflow.
DEFAULT_RULE = {"DSCONV": "dpt", "GEMM": "gemm"}
METRIC_COLUMNS = ("latency_cycles", "energy", "edp", "area", "power", "area_req", "power_req", "num_macs",
                  "max_l1_req", "max_l2_req", "peak_noc_bw_req", "offchip_bw_req")
NET_COLUMNS = ("model", "hw_id", "hw", *HW_FIELDS, "dataflow", *METRIC_COLUMNS, "fits_l1", "fits_l2", "noc_ok",
               "offchip_ok", "area_ok", "power_ok", "feasible", "valid", "error")
_MODEL_HW = ("num_pes", "noc_bw", "offchip_bw", "simd_lanes", "noc_hops")
_LAYER_ARGS = ("K", "C", "R", "S", "Y", "X", "N", "M", "stride_y", "stride_x")


class EvalError(Exception):
    """A run that cannot start or finish (existing output, mismatched resume, missing pyarrow, ...)."""


# ----------------------------------------------------------------------------------------------- models


def _layer_keys(layers: Layers, has_batch, where=Ellipsis) -> np.ndarray:
    """Keys (KEY_FIELDS) of the layers selected by `where` (default: all): int64 `[n, len(KEY_FIELDS)]`."""
    cols = [np.asarray(getattr(layers, f), np.int64)[where] for f in KEY_FIELDS[:-1]]
    return np.stack(cols + [np.asarray(has_batch, np.int64)[where]], -1)


@dataclass(frozen=True)
class Models:
    """Networks as rows of a layer table: `table` Layers `[T]` with `table_batch` bool `[T]` (the layer has
    an N dimension), `index` int32 `[M, L]` (each network's layers in order as table rows, -1 on padding),
    names `[M]` and optional per-layer names (files and zoo models). NAS samples share a few hundred
    distinct layers, so 100,000 networks take 4 bytes per layer position instead of 12 int64 fields."""

    names: tuple[str, ...]
    table: Layers
    table_batch: np.ndarray
    index: np.ndarray
    layer_names: Optional[tuple[tuple[str, ...], ...]] = None

    @staticmethod
    def from_arrays(names: Sequence[str], layers: Layers, has_batch: np.ndarray, layer_names=None) -> "Models":
        """From padded layer arrays `[M, L]` (mask False on padding) and `has_batch` `[M, L]`."""
        mask = np.asarray(layers.mask, bool)
        rows, inv = _unique_rows(_layer_keys(layers, has_batch, mask))
        index = np.full(mask.shape, -1, np.int32)
        index[mask] = inv
        table = Layers(**{f: rows[:, k] for k, f in enumerate(KEY_FIELDS[:-1])}, mask=np.ones(len(rows), bool))
        return Models(tuple(names), table, rows[:, -1].astype(bool), index, layer_names)

    def __len__(self) -> int:
        return len(self.names)

    def keys(self) -> np.ndarray:
        """Table row keys `[T, len(KEY_FIELDS)]` int64."""
        return _layer_keys(self.table, self.table_batch)

    def lengths(self) -> np.ndarray:
        """Layers per network `[M]`."""
        return (self.index >= 0).sum(1)

    def network_keys(self, m: int) -> np.ndarray:
        """Keys of network m's layers in order `[n_m, len(KEY_FIELDS)]`."""
        row = self.index[m]
        return self.keys()[row[row >= 0]]

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys of the distinct layers the networks use `[U, len(KEY_FIELDS)]`, sorted; each position's
        distinct-layer index `[M, L]`, -1 on padding): the same for equal networks however stored."""
        used = np.unique(self.index[self.index >= 0])
        keys, inv = _unique_rows(self.keys()[used])
        remap = np.full(len(self.table_batch) + 1, -1, np.int64)
        remap[used] = inv
        return keys, remap[self.index]  # index -1 reads the trailing -1

    def take(self, idx: np.ndarray) -> "Models":
        """The networks `idx` (same table)."""
        return Models(tuple(self.names[i] for i in idx), self.table, self.table_batch, self.index[idx],
                      None if self.layer_names is None else tuple(self.layer_names[i] for i in idx))

    def digest(self) -> str:
        keys, inv = self.distinct()
        h = hashlib.sha256("\n".join(self.names).encode())
        for a in (keys, self.lengths(), inv[inv >= 0]):
            h.update(np.ascontiguousarray(a, np.int64).tobytes())
        return h.hexdigest()[:16]


def models_from_networks(networks: Sequence[tuple[str, Sequence[LayerSpec]]]) -> Models:
    """Networks given as (name, layer specs), padded to the longest."""
    if not networks:
        raise ValueError("no models")
    length = max(len(ls) for _, ls in networks)
    rows, hb = [], []
    for _, specs in networks:
        rows.append(Layers.from_specs(list(specs), pad_to=length))
        hb.append([s.has_batch for s in specs] + [False] * (length - len(specs)))
    return Models.from_arrays([n for n, _ in networks], Layers.stack(rows), np.array(hb, bool),
                              tuple(tuple(s.name for s in ls) for _, ls in networks))


def parse_rule(text: Optional[str]) -> dict[str, str]:
    """`DSCONV=dpt,GEMM=gemm` -> dict; the value `same` means the swept dataflow. Empty -> DEFAULT_RULE."""
    if not text:
        return dict(DEFAULT_RULE)
    rule = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"rule entry {part!r}: expected TYPE=DATAFLOW, e.g. DSCONV=dpt")
        k, v = (t.strip() for t in part.split("=", 1))
        if k not in ("CONV", "DSCONV", "GEMM"):
            raise ValueError(f"rule entry {part!r}: layer type must be CONV, DSCONV or GEMM")
        rule[k] = v
    return rule


# ------------------------------------------------------------------------------------------------- plan


def _spec_of_key(key: np.ndarray) -> LayerSpec:
    op = OP_NAMES[int(key[0])]
    f = dict(zip(KEY_FIELDS, (int(v) for v in key)))
    if op == "GEMM":
        return LayerSpec("layer", op, {"M": f["M"], "N": f["N"], "K": f["K"]})
    dims = {"K": f["K"], "C": f["C"], "R": f["R"], "S": f["S"], "Y": f["Y"], "X": f["X"]}
    if f["has_batch"]:
        dims = {"N": f["N"], **dims}
    return LayerSpec("layer", op, dims, {"Y": f["stride_y"], "X": f["stride_x"]})


def _unique_rows(a: np.ndarray):
    """np.unique(a, axis=0, return_inverse=True) through a void view (much faster on millions of rows)."""
    a = np.ascontiguousarray(a)
    v = a.view(np.dtype((np.void, a.dtype.itemsize * a.shape[1]))).ravel()
    _, first, inv = np.unique(v, return_index=True, return_inverse=True)
    return a[first], inv.ravel()


@dataclass
class Plan:
    """Distinct items of a sweep (see the module docstring). Shapes: U distinct layers, T templates,
    UT distinct (layer, template) pairs, Hm distinct model-relevant hardware, H configs, D dataflows."""

    models: Models
    hardware: list[HardwareSpec]
    dataflows: list[str]
    rule: dict[str, str]
    library: Mapping[str, Dataflow] = field(default_factory=dict)  # names beyond the built-in templates
    keys: np.ndarray = field(init=False)  # [U, 12]
    inv: np.ndarray = field(init=False)  # [M, L] distinct-layer index, -1 on padding
    hw_keys: np.ndarray = field(init=False)  # [Hm, 5]
    hw_inv: np.ndarray = field(init=False)  # [H]
    templates: list[str] = field(init=False)
    ut: np.ndarray = field(init=False)  # [UT, 2] (layer, template)
    ut_of: np.ndarray = field(init=False)  # [D, U] -> UT index
    messages: list[str] = field(init=False)  # error texts; code 0 = valid
    ut_error: np.ndarray = field(init=False)  # [UT] error code independent of hardware
    ut_pes: np.ndarray = field(init=False)  # [UT] PEs the dataflow's clusters need
    ut_numbers: list = field(init=False)  # [UT] resolved number slots (None if invalid)

    def __post_init__(self):
        self.keys, self.inv = self.models.distinct()
        hwk = np.array([[getattr(h, f) for f in _MODEL_HW] for h in self.hardware], np.int64)
        self.hw_keys, self.hw_inv = _unique_rows(hwk)
        ops = [OP_NAMES[int(o)] for o in self.keys[:, 0]]
        self.templates = []
        t_index: dict[str, int] = {}
        pairs: dict[tuple[int, int], int] = {}
        self.ut_of = np.zeros((len(self.dataflows), len(self.keys)), np.int64)
        for d, name in enumerate(self.dataflows):
            for u, op in enumerate(ops):
                t = self.rule.get(op, name)
                t = name if t == "same" else t
                ti = t_index.setdefault(t, len(t_index))
                self.ut_of[d, u] = pairs.setdefault((u, ti), len(pairs))
        self.templates = list(t_index)
        self.ut = np.array(list(pairs), np.int64).reshape(-1, 2)
        self._dataflow_objs = {}
        self.messages = [""]
        msg_index: dict[str, int] = {}
        self.ut_error = np.zeros(len(self.ut), np.int64)
        self.ut_pes = np.ones(len(self.ut), np.int64)
        self.ut_numbers = [None] * len(self.ut)
        big = HardwareSpec(num_pes=INT_MAX)
        for i, (u, ti) in enumerate(self.ut):
            tname = self.templates[ti]
            if tname not in self._dataflow_objs:
                df = self.library.get(tname) or template(tname)
                if df is None:
                    raise ValueError(f"dataflow {tname!r} is not a built-in template ({', '.join(TEMPLATES)}): "
                                     "load its file with diffhw.frontends.maestro.load_dataflow and pass it in "
                                     "EvalConfig.library (name -> Dataflow)")
                self._dataflow_objs[tname] = df
            df = self._dataflow_objs[tname]
            spec = _spec_of_key(self.keys[u])
            err = check_pair(spec, big, df)
            if err is not None:
                text = f"{tname}: {err.message}"
                self.ut_error[i] = msg_index.setdefault(text, len(self.messages))
                if self.ut_error[i] == len(self.messages):
                    self.messages.append(text)
                continue
            resolved = df.resolve(spec.input_dims())
            self.ut_pes[i] = math.prod(x.size for x in resolved.directives if isinstance(x, Cluster))
            self.ut_numbers[i] = resolve_numbers(df, [spec.input_dims()])[0]

    def dataflow(self, t: int) -> Dataflow:
        return self._dataflow_objs[self.templates[t]]


def _mark(plan: Plan, codes: np.ndarray, iu, jj, message: str) -> None:
    """Cells (iu, jj) of `codes` fail with `message` (an index into `plan.messages`)."""
    if message not in plan.messages:
        plan.messages.append(message)
    codes[iu, jj] = plan.messages.index(message)


def evaluate_plan(plan: Plan, outputs: Sequence[str] = AGG_OUTPUTS, devices=None,
                  progress: Optional[Callable[[int], None]] = None, chunk: Optional[int] = None):
    """Evaluate every valid (layer, template, hw) item of `plan` once. Returns (results, error codes):
    results maps each name of `outputs` to an array [UT, Hm] (0 where invalid), codes [UT, Hm] index
    `plan.messages` (0 = valid). `progress(n)` is called with the number of items done after each chunk."""
    from diffhw.cost.model import OUTPUTS
    from diffhw import evaluate as ev

    chunk = chunk or ev.default_chunk()
    nut, nhm = len(plan.ut), len(plan.hw_keys)
    codes = np.repeat(plan.ut_error[:, None], nhm, 1)
    pes_bad = (plan.ut_error[:, None] == 0) & (plan.ut_pes[:, None] > plan.hw_keys[None, :, 0])
    for i, j in zip(*np.nonzero(pes_bad)):
        _mark(plan, codes, i, j, f"{plan.templates[plan.ut[i, 1]]}: the dataflow's clusters need {plan.ut_pes[i]} "
              f"PEs but the hardware has {plan.hw_keys[j, 0]} (MAESTRO crashes with SIGFPE)")
    float_out = set(OUTPUTS[OUTPUTS.index("throughput_macs_per_cycle"):])
    results = {k: np.zeros((nut, nhm), np.float64 if k in float_out else np.int64) for k in outputs}
    groups: dict[tuple, list[int]] = {}
    for i, (u, t) in enumerate(plan.ut):
        if plan.ut_error[i]:
            continue
        key = plan.keys[u]
        groups.setdefault((plan.dataflow(t).structure, OP_NAMES[int(key[0])], bool(key[-1])), []).append(i)
    batches, cells = [], []  # one batch per group (its whole-group case space: one compile), its (ut, hw) cells
    for (structure, op, has_batch), uts in groups.items():
        uts = np.array(uts)
        ii, jj = np.nonzero(codes[uts] == 0)
        if len(ii) == 0:
            continue
        iu = uts[ii]
        lay_keys = plan.keys[plan.ut[iu, 0]]
        layers = {f: lay_keys[:, KEY_FIELDS.index(f)] for f in _LAYER_ARGS}
        numbers = np.stack([plan.ut_numbers[i] for i in iu])
        hw = {f: plan.hw_keys[jj, k] for k, f in enumerate(_MODEL_HW)}
        batches.append(ev.Batch(structure, op, has_batch, layers, numbers, hw, split=False))
        cells.append((iu, jj))
    outs = ev.evaluate_batches(batches, chunk, devices, tuple(outputs) + DIAGNOSTICS, progress)
    for (iu, jj), out in zip(cells, outs):
        if isinstance(out, InputError):  # a structural problem of the dataflow for this layer type
            _mark(plan, codes, iu, jj, out.message)
            continue
        for k in outputs:
            results[k][iu, jj] = out[k]
        fault = np.asarray(out["maestro_fault"])  # items the real MAESTRO crashes or exits on: invalid
        for bit, (what, _) in ev.MAESTRO_STOPS.items():
            hit = (fault & bit) != 0
            fault = np.where(hit, 0, fault)  # one message per item, the first that applies
            for i, j in zip(iu[hit], jj[hit]):
                _mark(plan, codes, i, j, f"{plan.templates[plan.ut[i, 1]]}: {what}")
    return results, codes




# ------------------------------------------------------------------------------------------- aggregate


@dataclass(frozen=True)
class EvalConfig:
    """What to compute and how to write it."""

    dataflows: tuple[str, ...] = ("os", "ws", "rs", "dla")
    rule: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_RULE))
    area_budget: Optional[float] = None
    power_budget: Optional[float] = None
    per_layer: bool = False
    chunk_models: int = 256
    fmt: str = "parquet"
    csv_energy: bool = False  # add MAESTRO's CSV energy column (`csv_energy_nJ`, summed over the network)
    #: dataflows (and --rule targets) by name beyond the built-in templates, e.g. files read with
    #: `diffhw.frontends.maestro.load_dataflow` (the core reads no files)
    library: Mapping[str, Dataflow] = field(default_factory=dict)


def aggregate(plan: Plan, results: dict, codes: np.ndarray, model_idx: np.ndarray, cfg: EvalConfig,
              per_layer: bool = False):
    """Network rows for the models `model_idx` (indices into plan.models), ordered (model, hw, dataflow);
    with `per_layer` also the per-layer rows ordered (model, layer, hw, dataflow). Columns as dicts of
    arrays / lists."""
    models, hws = plan.models, plan.hardware
    nb, nh, nd = len(model_idx), len(hws), len(plan.dataflows)
    nut = len(plan.ut)
    inv = plan.inv[model_idx]  # [B, L]
    shape = (nb, nh, nd)
    lat = np.zeros(shape, np.int64)
    macs = np.zeros(shape, np.int64)
    energy = np.zeros(shape, np.float64)
    mx = {k: np.zeros(shape, np.int64) for k in AGG_OUTPUTS[3:]}
    code = np.zeros(shape, np.int64)
    b_all, l_all = np.nonzero(inv >= 0)
    if len(np.unique(b_all)) != nb:
        raise ValueError("a model without layers")
    for d in range(nd):
        ut = plan.ut_of[d][inv[b_all, l_all]]
        pair, cnt = np.unique(b_all * nut + ut, return_counts=True)
        b_ids, ut_ids = pair // nut, pair % nut
        starts = np.searchsorted(b_ids, np.arange(nb))
        hm = plan.hw_inv
        c = cnt[:, None]
        lat[:, :, d] = np.add.reduceat(results["runtime_cycles"][ut_ids] * c, starts)[:, hm]
        macs[:, :, d] = np.add.reduceat(results["num_macs"][ut_ids] * c, starts)[:, hm]
        energy[:, :, d] = np.add.reduceat(results["energy_total"][ut_ids] * c, starts)[:, hm]
        for k in mx:
            mx[k][:, :, d] = np.maximum.reduceat(results[k][ut_ids], starts)[:, hm]
        code[:, :, d] = np.maximum.reduceat(codes[ut_ids], starts)[:, hm]
    hwa = {f: np.array([getattr(h, f) for h in hws], np.int64)[None, :, None] for f in HW_FIELDS}
    bc = lambda x: np.broadcast_to(x, shape)  # noqa: E731
    checks = design_checks({f: bc(hwa[f]) for f in HW_FIELDS},
                           {"max_l1_req": mx["total_l1_size_req"], "max_l2_req": mx["total_l2_size_req"],
                            "peak_noc_bw_req": mx["peak_noc_bw_req"], "offchip_bw_req": mx["offchip_bw_req"]},
                           cfg.area_budget, cfg.power_budget)
    valid = code == 0
    cols: dict = {}
    flat = lambda x: np.ascontiguousarray(x).reshape(-1)  # noqa: E731
    names = np.array(models.names, dtype=object)
    cols["model"] = flat(np.broadcast_to(names[model_idx][:, None, None], shape)).tolist()
    cols["hw_id"] = flat(bc(np.arange(nh)[None, :, None]))
    cols["hw"] = flat(np.broadcast_to(np.array([h.name for h in hws], object)[None, :, None], shape)).tolist()
    for f in HW_FIELDS:
        cols[f] = flat(bc(hwa[f]))
    cols["dataflow"] = flat(np.broadcast_to(np.array(plan.dataflows, object)[None, None, :], shape)).tolist()
    ivals = lambda x: flat(np.where(valid, x, -1))  # noqa: E731
    fvals = lambda x: flat(np.where(valid, x, np.nan))  # noqa: E731
    cols["latency_cycles"] = ivals(lat)
    cols["energy"] = fvals(energy)
    cols["edp"] = fvals(lat.astype(np.float64) * energy)
    for k in ("area", "power", "area_req", "power_req"):
        cols[k] = fvals(checks[k])
    cols["num_macs"] = ivals(macs)
    cols["max_l1_req"] = ivals(mx["total_l1_size_req"])
    cols["max_l2_req"] = ivals(mx["total_l2_size_req"])
    cols["peak_noc_bw_req"] = ivals(mx["peak_noc_bw_req"])
    cols["offchip_bw_req"] = ivals(mx["offchip_bw_req"])
    for k in FLAGS:
        cols[k] = flat(checks[k] & valid)
    cols["feasible"] = flat(checks["feasible"] & valid)
    cols["valid"] = flat(valid)
    msgs = np.array(plan.messages, dtype=object)
    cols["error"] = flat(msgs[code]).tolist()
    if cfg.csv_energy:
        cols["csv_energy_nJ"] = fvals(_csv_energy(plan, results, inv, shape))
    layer_cols = _layer_rows(plan, results, codes, model_idx) if per_layer else None
    return cols, layer_cols


#: What MAESTRO's CSV energy column needs of each layer (`diffhw.evaluate.add_csv_energy`).
CSV_ENERGY_OUTPUTS = ("num_macs", "input_l2_read", "input_l2_write", "filter_l2_read", "filter_l2_write",
                      "output_l2_write", *(f"{t}_l1_{rw}" for t in ("input", "filter", "output")
                                           for rw in ("read", "write")))


def _csv_energy(plan: Plan, results: dict, inv: np.ndarray, shape) -> np.ndarray:
    """Per (model, hw, dataflow): the sum over the network's layers, in order, of MAESTRO's CSV energy (a layer
    under a dataflow with a Cluster, and MACs, takes the previous layer's L1 counts, the first layer 0)."""
    from diffhw.evaluate import MAC_NJ
    from diffhw.cost.model import L1_ENERGY, L2_ENERGY

    out = np.zeros(shape, np.float64)
    nested_t = np.array([any(isinstance(x, Cluster) for x in plan.dataflow(int(t)).directives) for t in plan.ut[:, 1]])
    here = inv >= 0  # [B, L] layer positions (padding after the last layer)
    for d in range(shape[2]):
        ut = plan.ut_of[d][np.where(here, inv, 0)]  # [B, L]
        get = lambda k: results[k][ut].astype(np.float64)  # noqa: E731  [B, L, Hu]
        l2 = sum(get(k) for k in CSV_ENERGY_OUTPUTS[1:6])
        l1 = sum(get(k) for k in CSV_ENERGY_OUTPUTS[6:])
        prev = np.concatenate([np.zeros_like(l1[:, :1]), l1[:, :-1]], axis=1)
        nested = nested_t[ut][..., None] & (results["num_macs"][ut] != 0)
        term = L2_ENERGY * l2 + L1_ENERGY * np.where(nested, prev, l1)
        out[:, :, d] = (MAC_NJ * np.where(here[..., None], term, 0.0)).sum(axis=1)[:, plan.hw_inv]
    return out


def _layer_rows(plan: Plan, results: dict, codes: np.ndarray, model_idx: np.ndarray) -> dict:
    """Per-layer rows (model, layer, hw, dataflow order) with every output in `results`."""
    models = plan.models
    inv = plan.inv[model_idx]
    b, l = np.nonzero(inv >= 0)
    nh, nd = len(plan.hardware), len(plan.dataflows)
    shape = (len(b), nh, nd)
    ut = plan.ut_of[:, inv[b, l]].T  # [n, D]
    uth = np.broadcast_to(ut[:, None, :], shape)
    hm = np.broadcast_to(plan.hw_inv[None, :, None], shape)
    flat = lambda x: np.ascontiguousarray(x).reshape(-1)  # noqa: E731
    rep = lambda x: flat(np.broadcast_to(np.asarray(x)[:, None, None], shape))  # noqa: E731
    cols: dict = {}
    mi = model_idx[b]
    cols["model"] = rep(np.array(models.names, object)[mi]).tolist()
    cols["layer"] = rep(l)
    if models.layer_names is not None:
        cols["layer_name"] = rep(np.array([models.layer_names[m][j] for m, j in zip(mi, l)], object)).tolist()
    keys = plan.keys[inv[b, l]]
    cols["type"] = rep(np.array([OP_NAMES[int(o)] for o in keys[:, 0]], object)).tolist()
    for k, f in enumerate(KEY_FIELDS[1:-1], 1):
        cols[f] = rep(keys[:, k])
    cols["hw_id"] = flat(np.broadcast_to(np.arange(nh)[None, :, None], shape))
    cols["dataflow"] = flat(np.broadcast_to(np.array(plan.dataflows, object)[None, None, :], shape)).tolist()
    tmpl = np.array(plan.templates, object)[plan.ut[ut, 1]]  # [n, D]
    cols["template"] = flat(np.broadcast_to(tmpl[:, None, :], shape)).tolist()
    code = codes[uth, hm]
    valid = code == 0
    cols["valid"] = flat(valid)
    for k, v in results.items():
        x = v[uth, hm]
        cols[k] = flat(np.where(valid, x, np.nan if x.dtype.kind == "f" else -1))
    cols["error"] = flat(np.array(plan.messages, object)[code]).tolist()
    return cols


# -------------------------------------------------------------------------------------------- writing


def have_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _write_part(cols: dict, path: Path, fmt: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({k: (v if isinstance(v, list) else np.asarray(v)) for k, v in cols.items()}),
                       tmp)
    else:
        names = list(cols)
        n = len(cols[names[0]])
        conv = []
        for k in names:
            v = cols[k]
            conv.append(v if isinstance(v, list) else np.asarray(v).tolist())
        with open(tmp, "w", newline="") as f:
            if fmt == "json":  # JSON Lines parts; `_merge` joins them into one array (non-finite -> null)
                for row in zip(*conv) if n else []:
                    f.write(json.dumps(dict(zip(names, map(_json_value, row)))) + "\n")
            else:
                w = csv.writer(f)
                w.writerow(names)
                w.writerows(zip(*conv) if n else [])
    os.replace(tmp, path)


def _json_value(v):
    """A cell as strict JSON: NaN and infinities (an invalid network's figures) become null."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _merge(parts: Sequence[Path], out: Path, fmt: str, fingerprint: str) -> int:
    """Concatenate the part files into `out` (atomically: a temporary file renamed at the end) and record the
    run's fingerprint in it (Parquet: schema metadata; CSV and JSON: `OUT.run.json` beside it, written
    first)."""
    tmp = out.with_name(out.name + ".tmp")
    rows = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer = None
        for p in parts:
            t = pq.read_table(p)
            if writer is None:
                schema = t.schema.with_metadata({**(t.schema.metadata or {}), FINGERPRINT_KEY: fingerprint})
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(t.replace_schema_metadata(writer.schema.metadata))
            rows += t.num_rows
        if writer is not None:
            writer.close()
    else:
        sidecar = _sidecar(out)
        sidecar_tmp = sidecar.with_name(sidecar.name + ".tmp")
        sidecar_tmp.write_text(json.dumps({"fingerprint": fingerprint}) + "\n")
        os.replace(sidecar_tmp, sidecar)
        with open(tmp, "w", newline="") as f:
            if fmt == "json":  # one array of row objects, one per line
                f.write("[")
                for p in parts:
                    with open(p) as g:
                        for line in g:
                            f.write(("\n" if rows == 0 else ",\n") + line.rstrip("\n"))
                            rows += 1
                f.write("\n]\n")
            else:
                for i, p in enumerate(parts):
                    with open(p) as g:
                        header = g.readline()
                        if i == 0:
                            f.write(header)
                        for line in g:
                            f.write(line)
                            rows += 1
    os.replace(tmp, out)
    return rows


#: Where a finished output records the fingerprint of the run that wrote it (Parquet schema metadata key).
FINGERPRINT_KEY = b"diffhw.fingerprint"


def _sidecar(out: Path) -> Path:
    return out.with_name(out.name + ".run.json")


def output_fingerprint(out: Path) -> Optional[str]:
    """The fingerprint recorded in a finished output (see `_merge`), or None when it has none."""
    try:
        if out.suffix == ".parquet":
            import pyarrow.parquet as pq

            meta = pq.read_schema(out).metadata or {}
            value = meta.get(FINGERPRINT_KEY)
            return value.decode() if value else None
        return json.loads(_sidecar(out).read_text()).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def _remove_parts(parts_dir: Path) -> None:
    """Remove a finished run's parts: the chunk files first, the manifest (run.json) last, so that a kill
    at any point leaves either the manifest (resumable, fingerprint checked) or an empty folder."""
    if not parts_dir.exists():
        return
    for p in sorted(parts_dir.iterdir()):
        if p.name != "run.json":
            p.unlink(missing_ok=True)
    (parts_dir / "run.json").unlink(missing_ok=True)
    parts_dir.rmdir()


def read_table(path) -> dict:
    """Read an output file (Parquet, CSV or JSON) back as a dict of lists (for tests and scripts)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pydict()
    if path.suffix == ".json":
        rows = json.loads(path.read_text())
        return {k: [row[k] for row in rows] for k in (rows[0] if rows else {})}
    with open(path) as f:
        r = csv.DictReader(f)
        rows = list(r)
    return {k: [row[k] for row in rows] for k in (r.fieldnames or [])}


# ---------------------------------------------------------------------------------------------- run


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
    from diffhw.cost.model import OUTPUTS

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

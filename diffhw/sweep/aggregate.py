"""Network totals from the evaluated items (`aggregate`): latency, energy, EDP, buffer and bandwidth
requirements, area, power and feasibility per (model, hw, dataflow), and per-layer rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import numpy as np

from diffhw.dataflow import Cluster, Dataflow
from diffhw.feasibility import FLAGS, design_checks
from diffhw.hardware import HW_FIELDS
from diffhw.layers import OP_NAMES
from diffhw.sweep.models import KEY_FIELDS
from diffhw.sweep.plan import AGG_OUTPUTS, DEFAULT_RULE, Plan


METRIC_COLUMNS = ("latency_cycles", "energy", "edp", "area", "power", "area_req", "power_req", "num_macs",
                  "max_l1_req", "max_l2_req", "peak_noc_bw_req", "offchip_bw_req")

NET_COLUMNS = ("model", "hw_id", "hw", *HW_FIELDS, "dataflow", *METRIC_COLUMNS, "fits_l1", "fits_l2", "noc_ok",
               "offchip_ok", "area_ok", "power_ok", "feasible", "valid", "error")



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

"""The plan of a sweep (`Plan`): the distinct (layer, template, hardware) items of all networks, validated, and
their evaluation in one pipeline (`evaluate_plan`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, resolve_numbers, template
from diffhw.errors import InputError
from diffhw.hardware import INT_MAX, MODEL_HW_FIELDS, Hardware, HardwareSpec
from diffhw.layers import OP_NAMES
from diffhw.program import group_programs
from diffhw.results import DIAGNOSTICS, OUTPUTS
from diffhw.validation import check_pair
from diffhw.sweep.models import Models, _unique_rows, layers_of_keys, program_of_key, spec_of_key


#: Per-layer outputs the network totals need.
AGG_OUTPUTS = ("runtime_cycles", "energy_total", "num_macs", "total_l1_size_req", "total_l2_size_req",
               "peak_noc_bw_req", "offchip_bw_req")

#: Template per layer type unless overridden; a type not listed gets the swept dataflow.
DEFAULT_RULE = {"DSCONV": "dpt", "GEMM": "gemm"}




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
    hw_keys: np.ndarray = field(init=False)  # [Hm, 5]: MODEL_HW_FIELDS
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
        hwk = np.array([[getattr(h, f) for f in MODEL_HW_FIELDS] for h in self.hardware], np.int64)
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
            spec = spec_of_key(self.keys[u])
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
    from diffhw.engine.batches import Batch, default_chunk, evaluate_batches
    from diffhw.evaluate import MAESTRO_STOPS

    chunk = chunk or default_chunk()
    nut, nhm = len(plan.ut), len(plan.hw_keys)
    codes = np.repeat(plan.ut_error[:, None], nhm, 1)
    pes_bad = (plan.ut_error[:, None] == 0) & (plan.ut_pes[:, None] > plan.hw_keys[None, :, 0])
    for i, j in zip(*np.nonzero(pes_bad)):
        _mark(plan, codes, i, j, f"{plan.templates[plan.ut[i, 1]]}: the dataflow's clusters need {plan.ut_pes[i]} "
              f"PEs but the hardware has {plan.hw_keys[j, 0]} (MAESTRO crashes with SIGFPE)")
    float_out = set(OUTPUTS[OUTPUTS.index("throughput_macs_per_cycle"):])
    results = {k: np.zeros((nut, nhm), np.float64 if k in float_out else np.int64) for k in outputs}
    valid = np.flatnonzero(plan.ut_error == 0)
    programs = [program_of_key(plan.dataflow(plan.ut[i, 1]).structure, plan.keys[plan.ut[i, 0]]) for i in valid]
    batches, cells = [], []  # one batch per group (its whole-group case space: one compile), its (ut, hw) cells
    for program, members in group_programs(programs).items():
        uts = valid[members]
        ii, jj = np.nonzero(codes[uts] == 0)
        if len(ii) == 0:
            continue
        iu = uts[ii]
        layers = layers_of_keys(plan.keys[plan.ut[iu, 0]])
        numbers = np.stack([plan.ut_numbers[i] for i in iu])
        hw = Hardware(**{f: plan.hw_keys[jj, k] for k, f in enumerate(MODEL_HW_FIELDS)})
        batches.append(Batch(program, layers, numbers, hw, split=False))
        cells.append((iu, jj))
    outs = evaluate_batches(batches, chunk, devices, tuple(outputs) + DIAGNOSTICS, progress)
    for (iu, jj), out in zip(cells, outs):
        if isinstance(out, InputError):  # a structural problem of the dataflow for this layer type
            _mark(plan, codes, iu, jj, out.message)
            continue
        for k in outputs:
            results[k][iu, jj] = out[k]
        fault = np.asarray(out["maestro_fault"])  # items the real MAESTRO crashes or exits on: invalid
        for bit, (what, _) in MAESTRO_STOPS.items():
            hit = (fault & bit) != 0
            fault = np.where(hit, 0, fault)  # one message per item, the first that applies
            for i, j in zip(iu[hit], jj[hit]):
                _mark(plan, codes, i, j, f"{plan.templates[plan.ut[i, 1]]}: {what}")
    return results, codes

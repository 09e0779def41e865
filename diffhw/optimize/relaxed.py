"""A network's relaxed cost as a differentiable function of its accelerator: one documented call.

    from diffhw import network_cost  # (diffhw.api: also takes a MODEL string, through the frontends)

    cost = network_cost("resnet18@1,3,32,32", dataflow="os")
    value, grad = cost.value_and_grad({"num_pes": 256.0, "noc_bw": 64.0, "offchip_bw": 64.0}, of="edp")
    # value: latency, energy, edp, max_l1_req, max_l2_req, area, power (floats)
    # grad:  d edp / d num_pes, d edp / d noc_bw, d edp / d offchip_bw

The cost is the one cost model under `Relaxed(temperature)` numerics (`diffhw.numerics`), summed over the
network's layers, each under `dataflow` for CONV layers and MAESTRO's rule template otherwise (DSCONV ->
dpt, GEMM -> gemm), exactly as `diffhw codesign` scores a design (it reuses `gradient.Surrogate`). At
integer hardware and a small temperature it equals the exact model (tests/test_relaxed_api.py). Area and
power are MAESTRO's model with buffers at the (soft) largest requirement of the network's layers, or at
`l1_size` / `l2_size` when `hw` gives them.

The programs are traced once per `NetworkCost`; hardware values are traced, so new values do not recompile.
The dataflow's case space is enumerated over `bounds` (default `DEFAULT_BOUNDS`): hardware outside them may
reach cases the space lacks, so give bounds that hold every point you evaluate.
"""

from __future__ import annotations

from typing import Mapping, Optional

import jax
import jax.numpy as jnp

from diffhw.cost.model import hardware_cost
from diffhw.numerics import DEFAULT_TEMPERATURE, Relaxed
from diffhw.optimize.gradient import COSTS, Surrogate
from diffhw.optimize.defaults import DEFAULT_BOUNDS
from diffhw.optimize.problem import Problem

__all__ = ["NetworkCost", "network_cost", "INPUTS"]

#: The hardware parameters the relaxed cost differentiates (l1_size / l2_size only price area and power).
INPUTS = ("num_pes", "noc_bw", "offchip_bw")


class NetworkCost:
    """The relaxed totals of one network on one dataflow as a function of hardware (see the module docs)."""

    def __init__(self, problem: Problem, temperature: float):
        self.surrogate = Surrogate(problem)
        self.temperature = float(temperature)
        self._value = jax.jit(self._totals)
        self._grads = {}

    def _totals(self, hw: Mapping[str, jax.Array]) -> dict:
        s, t = self.surrogate, jnp.asarray(self.temperature)
        costs = s.costs({k: jnp.asarray(hw[k], jnp.float64) for k in INPUTS}, t)  # [items, 4]
        c = {k: costs[s.choice[0][:, 0], j] for j, k in enumerate(COSTS)}  # [L] (one template per layer)
        nm = Relaxed(t)
        lat, en = c["runtime"].sum(), c["energy"].sum()
        l1, l2 = nm.max(c["l1"], jnp.ones_like(c["l1"])), nm.max(c["l2"], jnp.ones_like(c["l2"]))
        hc = hardware_cost(hw["num_pes"], hw["noc_bw"], jnp.asarray(1.0), hw.get("l1_size", l1),
                           hw.get("l2_size", l2))
        return {"latency": lat, "energy": en, "edp": lat * en, "max_l1_req": l1, "max_l2_req": l2,
                "area": hc["area"], "power": hc["power"]}

    def __call__(self, hw: Mapping[str, float]) -> dict:
        """The relaxed totals (floats) at hardware `hw` (num_pes, noc_bw, offchip_bw; optional l1_size,
        l2_size), natural units."""
        return {k: float(v) for k, v in self._value(self._args(hw)).items()}

    def value_and_grad(self, hw: Mapping[str, float], of: str = "edp") -> tuple[dict, dict]:
        """(`self(hw)`, the gradient of total `of` (latency, energy, edp, area, power, ...) with respect to
        each parameter in `hw`)."""
        if of not in ("latency", "energy", "edp", "max_l1_req", "max_l2_req", "area", "power"):
            raise ValueError(f"unknown total {of!r}")
        fn = self._grads.get(of)
        if fn is None:  # one evaluation gives every total (aux) and the gradient of `of`
            def total(h):
                t = self._totals(h)
                return t[of], t

            fn = self._grads[of] = jax.jit(jax.value_and_grad(total, has_aux=True))
        (_, totals), g = fn(self._args(hw))
        return {k: float(v) for k, v in totals.items()}, {k: float(v) for k, v in g.items()}

    @staticmethod
    def _args(hw: Mapping[str, float]) -> dict:
        missing = [k for k in INPUTS if k not in hw]
        if missing:
            raise ValueError(f"hardware needs {', '.join(INPUTS)} (missing {', '.join(missing)})")
        return {k: jnp.asarray(float(v), jnp.float64) for k, v in hw.items()}


def network_cost(model, dataflow: str = "os", temperature: float = DEFAULT_TEMPERATURE,
                 convention: str = "padded", bounds: Optional[Mapping[str, tuple[int, int]]] = None) -> NetworkCost:
    """The relaxed cost of `model` (a list of `LayerSpec`s, or an op graph: anything with
    `to_network(convention)`, e.g. a `diffhw.frontends.graph.Graph`) under `dataflow` (a template: os, ws,
    rs, dla, ...) at `temperature`. `diffhw.network_cost` also takes any MODEL the CLI takes (`diffhw.api`)."""
    specs = model.to_network(convention).layers if hasattr(model, "to_network") else list(model)
    specs = [s for s in specs if s.op in ("CONV", "DSCONV", "GEMM")]
    b = dict(DEFAULT_BOUNDS, **(bounds or {}))
    problem = Problem.make([("net", specs)], "edp", dataflows=(dataflow,),
                           bounds={k: b[k] for k in INPUTS}, fixed={"l1_size": 1 << 16, "l2_size": 1 << 24})
    return NetworkCost(problem, temperature)

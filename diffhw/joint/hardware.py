"""The relaxed hardware cost of a relaxed architecture: expected latency, energy and buffer requirements
of a supernet's networks on a relaxed accelerator, from the one cost model with `Relaxed` numerics.

Every candidate layer of the supernet (`SuperNet.table()`, distinct layers evaluated once) is costed by the
gradient co-design's `Surrogate` (a `Problem` whose one "network" is the table; its dataflow genes, one
softmax over the CONV templates, DSCONV -> dpt and GEMM -> gemm, are the accelerator's dataflow per layer
type). A relaxed architecture (per-decision probabilities) weighs slot option j by `option_weights`:

    E[latency] = sum_{s,j} w[s, j] sum_q latency(layer (s, j, q)),    E[energy] likewise,
    buffer requirement = soft max over slots s of sum_j w[s, j] max_q requirement(s, j, q),

and the architecture's hardware cost is the EDP of the expectations, E[latency] x E[energy] (used as its
log: `log_edp`). At one-hot probabilities and dataflow weights and a vanishing temperature all of these are
the exact model's numbers for the chosen network (tests/test_joint_cost.py).
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.layers import Layers
from diffhw.numerics import Relaxed
from diffhw.optimize.gradient import COSTS, Surrogate
from diffhw.optimize.defaults import DEFAULT_AREA_BUDGET, SEARCH_DATAFLOWS
from diffhw.optimize.problem import Problem

__all__ = ["ExpectedCost"]


class ExpectedCost:
    """Relaxed expected cost of architectures of `space` (a NAS space with `supernet()` -> `SuperNet` and
    `decode(encoding)` -> graph, e.g. an `MBConvSpace`) on relaxed accelerators, under the budgets and
    hardware bounds of `Problem.make` (objective EDP, one CONV template for the accelerator)."""

    def __init__(self, space, area_budget: float = DEFAULT_AREA_BUDGET, power_budget: Optional[float] = None,
                 dataflows: Sequence[str] = SEARCH_DATAFLOWS, fixed: Optional[Mapping[str, int]] = None,
                 bounds: Optional[Mapping[str, tuple]] = None, seed: int = 0):
        self.space = space
        self.net = net = space.supernet()
        table = net.table()
        self.rows = np.flatnonzero(np.asarray(table.mask))  # valid table rows [R]
        layers = Layers(**{f: np.asarray(getattr(table, f))[self.rows] for f in ("op", "N", "K", "C", "R", "S",
                                                                                 "Y", "X", "M", "stride_y",
                                                                                 "stride_x", "mask")})
        self.problem = Problem.make([(net.name, layers)], "edp", area_budget, power_budget, dataflows,
                                    fixed=fixed, bounds=bounds)
        self.budgets = dict(area_budget=area_budget, power_budget=power_budget, dataflows=tuple(dataflows),
                            fixed=dict(fixed or {}), bounds=dict(bounds or {}))
        self.sur = Surrogate(self.problem, seed=seed)
        self.shape = net.options.op.shape  # (S, J, Q)

    @property
    def num_free(self) -> int:
        """F: free hardware parameters (the length of `u`)."""
        return len(self.sur.free)

    def problem_for(self, encoding) -> Problem:
        """The co-design `Problem` of the network of one encoding [D] (same budgets, bounds and dataflows)."""
        b = self.budgets
        return Problem.make(self.space.decode(encoding), "edp", b["area_budget"], b["power_budget"], b["dataflows"],
                            fixed=b["fixed"], bounds=b["bounds"])

    def expected(self, hw: dict, df_weights, probs, temperature, costs=None) -> dict:
        """hw: natural-unit hardware (num_pes, noc_bw, offchip_bw, l1_size, l2_size scalars), df_weights [D]
        weights of the CONV templates, probs [Dec, O] architecture probabilities; `costs` [items, 4] the
        per-item costs if already computed (else `Surrogate.costs`). Returns scalars latency, energy and
        the per-slot requirement vectors l1, l2 [S]."""
        costs = self.sur.costs(hw, temperature) if costs is None else costs
        per_row = jnp.einsum("d,rdk->rk", df_weights, costs[self.sur.choice[0]])  # [R, 4]
        s, j, q = self.shape
        full = jnp.zeros((s * j * q, len(COSTS))).at[self.rows].set(per_row).reshape(s, j, q, len(COSTS))
        w = self.net.option_weights(probs)  # [S, J]
        lat = (w * full[..., 0].sum(-1)).sum()
        en = (w * full[..., 1].sum(-1)).sum()
        l1 = (w * full[..., 2].max(-1)).sum(-1)
        l2 = (w * full[..., 3].max(-1)).sum(-1)
        return {"latency": lat, "energy": en, "l1": l1, "l2": l2}

    def objective(self, u, df_logits, probs, temperature, penalty: float = 50.0, costs=None):
        """(log E-EDP, penalty x budget penalty) of accelerator u [F] (unconstrained,
        `Surrogate.hw_points`), CONV template logits [D] and architecture probabilities [Dec, O]."""
        hw = self.sur.hw_points(u)
        c = self.expected(hw, jax.nn.softmax(df_logits), probs, temperature, costs)
        pen = self.sur.budget_penalty(hw, c["l1"], c["l2"], Relaxed(temperature))
        return jnp.log(c["latency"]) + jnp.log(c["energy"]), penalty * pen

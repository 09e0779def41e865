"""Conveniences of the public API that connect the frontends to the core, as the CLI does (the core itself
never imports `diffhw.frontends`)."""

from __future__ import annotations

from typing import Mapping, Optional

from diffhw.numerics import DEFAULT_TEMPERATURE
from diffhw.optimize import relaxed


def network_cost(model, dataflow: str = "os", temperature: float = DEFAULT_TEMPERATURE, input_shape=None,
                 convention: str = "padded", bounds: Optional[Mapping[str, tuple[int, int]]] = None
                 ) -> relaxed.NetworkCost:
    """`diffhw.optimize.relaxed.network_cost` of `model`: any MODEL of `diffhw.frontends.models.load_model`
    (e.g. "resnet18@1,3,32,32", a MAESTRO or ONNX file; `input_shape` / `convention` as there), an op
    graph, or a list of `LayerSpec`s."""
    if isinstance(model, str):
        from diffhw.frontends.models import load_model

        model = load_model(model, input_shape, convention)
    return relaxed.network_cost(model, dataflow, temperature, convention, bounds)

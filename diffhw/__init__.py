"""diffhw: a differentiable, batched MAESTRO cost model in JAX.

The public API, importable from `diffhw` directly (`from diffhw import evaluate, parse_model, parse_hw`).
Names resolve lazily (PEP 562), so `import diffhw` stays light: JAX is imported by the first name that
needs it, never by the package itself.

- Data model: `LayerSpec`, `Network`, `Layers` (struct of arrays), `HardwareSpec`, `Hardware` (struct of
  arrays), `Dataflow`, `TEMPLATES`, `Program` (the static key: dataflow structure, layer type, batch flag,
  case space), `CaseSpace`, `LayerCost` (the per-layer outputs, a pytree).
- Numerics: `Numerics` (the protocol), `Exact`, `Relaxed`.
- Cost model: `layer_cost(program, layer, hw, numbers, nm)` (one layer, one accelerator; `jax.vmap` it),
  `case_space` (the cases a batch reaches), `evaluate_arrays` (the engine: `jit(vmap(layer_cost))` in
  chunks, case spaces split, any batch), `evaluate_layers` /
  `evaluate_many` (layers x hardware, validated, MAESTRO's rows; `diffhw.evaluate`), `run_eval` /
  `EvalConfig` / `Models` (networks x hardware x dataflows, `diffhw.sweep`), `network_cost` (a network's
  relaxed cost and its gradient).
- Inputs and outputs: `parse_model`, `parse_hw` (MAESTRO files), `load_model` (any MODEL the CLI takes),
  `InputError`, `ErrorReport`.
- Subpackages and modules: `frontends`, `exporters`, `optimize`, `joint`, `cost`, `engine`, `evaluate`,
  `sweep`.
"""

from diffhw.lazy import lazy_getattr

#: public name -> the module that defines it (or (module, name there)). `diffhw.evaluate` and `diffhw.sweep`
#: are modules, so their main functions are exported as `evaluate_layers` and `run_eval`.
_EXPORTS = {
    "LayerSpec": "diffhw.layers", "Network": "diffhw.layers", "Layers": "diffhw.layers",
    "HardwareSpec": "diffhw.hardware", "Hardware": "diffhw.hardware",
    "Dataflow": "diffhw.dataflow", "TEMPLATES": "diffhw.dataflow",
    "Program": "diffhw.program", "CaseSpace": "diffhw.program", "LayerCost": "diffhw.results",
    "Numerics": "diffhw.numerics", "Exact": "diffhw.numerics", "Relaxed": "diffhw.numerics",
    "layer_cost": "diffhw.cost.model", "case_space": "diffhw.engine.cases", "evaluate_arrays": "diffhw.engine.batches",
    "evaluate_layers": ("diffhw.evaluate", "evaluate"), "evaluate_many": "diffhw.evaluate",
    "run_eval": "diffhw.sweep", "EvalConfig": "diffhw.sweep", "Models": "diffhw.sweep",
    "network_cost": "diffhw.api",
    "parse_model": "diffhw.frontends.maestro", "parse_hw": "diffhw.frontends.maestro",
    "load_model": "diffhw.frontends.models",
    "InputError": "diffhw.errors", "ErrorReport": "diffhw.errors",
}
_SUBPACKAGES = ("frontends", "exporters", "optimize", "joint", "cost", "engine", "evaluate", "sweep")

__all__ = sorted(_EXPORTS) + list(_SUBPACKAGES)
__getattr__ = lazy_getattr(__name__, {
    **{n: (m, n) if isinstance(m, str) else m for n, m in _EXPORTS.items()},
    **{n: (f"diffhw.{n}", None) for n in _SUBPACKAGES}})


def __dir__():
    return sorted(set(globals()) | set(__all__))

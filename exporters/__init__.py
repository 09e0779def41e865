"""Exporters: a design (layers, dataflows, hardware) -> files other tools consume (`diffhw.exporters`).

    from diffhw.exporters import from_run, from_model, from_graph, export_bundle, ExportOptions
    export_bundle(from_run("runs/mnv2"), "bundle")                                  # a codesign run
    export_bundle(from_model("resnet18", "hw.m", "os"), "b2", ExportOptions(target="k210"))
    export_bundle(from_graph(darts.decode(encoding), "hw.m", "os"), "b3")           # a Python op graph

One module per artifact: `design` (what is exported and its exact evaluation), `maestro` (MAESTRO files),
`onnx_build` (op graph -> ONNX), `onnx` (model.onnx, int8 quantization), `allocation` (op-to-device
allocation, subgraphs), `timeloop` (Timeloop/Accelergy inputs), `report` (report.md, figures), `targets`
(device limits, e.g. k210), `bundle` (all of them into one folder).
"""

from diffhw.lazy import lazy_getattr

#: public name -> its module (resolved lazily, so `diffhw export --help` reads the options without JAX)
_EXPORTS = {"ExportOptions": "bundle", "export_bundle": "bundle", **{
    n: "design" for n in ("Evaluation", "Exported", "evaluate", "from_graph", "from_model", "from_run")}}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr("diffhw.exporters", {n: (f"diffhw.exporters.{m}", n) for n, m in _EXPORTS.items()})

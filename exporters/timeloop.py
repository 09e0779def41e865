"""The design as Timeloop / Accelergy (v0.4) inputs: timeloop/arch.yaml and timeloop/problems/<layer>.yaml.

arch.yaml (v0.4 tree format, ``!Container`` / ``!Component`` nodes): the system (8-bit data), a DRAM whose
read/write bandwidth is the design's offchip_bw (words per cycle), a shared global buffer (``shared_glb``,
smartbuffer_SRAM) of l2_size words read and written at noc_bw words per cycle (MAESTRO's NoC feeds the PEs
from L2), ``num_pes`` PEs (``PE``, spatial meshX) each with an L1 scratchpad (``pe_spad``, smartbuffer_RF)
of l1_size words and an 8-bit integer MAC. MAESTRO sizes are in elements, so depths are elements of
``datawidth`` 8 bits.

Problems use Timeloop's shapes: CONV -> ``CNN-Layer`` (C, M, R, S, N, P, Q; R/P along the width, S/Q along
the height, Wstride/Hstride), DSCONV -> a depthwise CNN layer (C, R, S, N, P, Q; weights C x R x S), GEMM ->
``GEMM`` (M, N, K: A[M, K] x B[K, N] -> Z[M, N]). Sizes are the cost model's (padded inputs, so P and Q are
the real output sizes).
"""

from __future__ import annotations

from diffhw.exporters.maestro import file_safe
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec

__all__ = ["arch_yaml", "problem_yaml", "problem_files", "load_yaml"]

def _conv_shape(name: str, dims: str, weights: str, out_channel: str) -> str:
    """A Timeloop convolution problem shape: `weights` the Weights projection, `out_channel` the output's
    channel dimension (M for a dense layer, C for a depthwise one)."""
    return f"""  shape:
    name: {name}
    dimensions: [{dims}]
    coefficients:
    - {{name: Wstride, default: 1}}
    - {{name: Hstride, default: 1}}
    - {{name: Wdilation, default: 1}}
    - {{name: Hdilation, default: 1}}
    data_spaces:
    - name: Weights
      projection: [{weights}]
    - name: Inputs
      projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]
    - name: Outputs
      projection: [[[N]], [[{out_channel}]], [[Q]], [[P]]]
      read_write: true
"""


_CNN_SHAPE = _conv_shape("CNN-Layer", "C, M, R, S, N, P, Q", "[[C]], [[M]], [[R]], [[S]]", "M")
_DEPTHWISE_SHAPE = _conv_shape("Depthwise-CNN-Layer", "C, R, S, N, P, Q", "[[C]], [[R]], [[S]]", "C")

_GEMM_SHAPE = """  shape:
    name: GEMM
    dimensions: [M, N, K]
    data_spaces:
    - name: A
      projection: [[[M]], [[K]]]
    - name: B
      projection: [[[K]], [[N]]]
    - name: Z
      projection: [[[M]], [[N]]]
      read_write: true
"""


def arch_yaml(hw: HardwareSpec, name: str = "diffhw_design") -> str:
    """Text of arch.yaml for `hw`."""
    return f"""# Timeloop/Accelergy v0.4 architecture of the exported design {name} (diffhw export)
architecture:
  version: 0.4
  nodes:
  - !Container
    name: system
    attributes: {{technology: "45nm", global_cycle_seconds: 1e-9, datawidth: 8}}
  - !Component
    name: DRAM
    class: DRAM
    attributes: {{type: "LPDDR4", width: 64, datawidth: 8,
                  read_bandwidth: {int(hw.offchip_bw)}, write_bandwidth: {int(hw.offchip_bw)}}}
  - !Component
    name: shared_glb
    class: smartbuffer_SRAM
    attributes: {{depth: {int(hw.l2_size)}, width: 8, datawidth: 8, n_banks: 1,
                  read_bandwidth: {int(hw.noc_bw)}, write_bandwidth: {int(hw.noc_bw)}}}
  - !Container
    name: PE
    spatial: {{meshX: {int(hw.num_pes)}}}
  - !Component
    name: pe_spad
    class: smartbuffer_RF
    attributes: {{depth: {int(hw.l1_size)}, width: 8, datawidth: 8}}
  - !Component
    name: mac
    class: intmac
    attributes: {{multiplier_width: 8, adder_width: 16}}
"""


def problem_yaml(layer: LayerSpec) -> str:
    """Text of the Timeloop problem of one CONV, DSCONV or GEMM layer."""
    d = layer.input_dims()
    head = f"# {layer.op} layer {layer.name} (diffhw export)\nproblem:\n  version: 0.4\n"
    if layer.op == "GEMM":
        inst = {"M": d["M"], "N": d["N"], "K": d["K"]}
        return head + _GEMM_SHAPE + "  instance: {" + ", ".join(f"{k}: {int(v)}" for k, v in inst.items()) + "}\n"
    sy, sx = int(layer.stride.get("Y", 1)), int(layer.stride.get("X", 1))
    inst = {"C": d["C"], "M": d["K"], "R": d["S"], "S": d["R"], "N": d.get("N", 1),
            "P": (d["X"] - d["S"]) // sx + 1, "Q": (d["Y"] - d["R"]) // sy + 1, "Wstride": sx, "Hstride": sy}
    if layer.op == "DSCONV":
        del inst["M"]
    shape = _DEPTHWISE_SHAPE if layer.op == "DSCONV" else _CNN_SHAPE
    return head + shape + "  instance: {" + ", ".join(f"{k}: {int(v)}" for k, v in inst.items()) + "}\n"


def problem_files(layers) -> dict[str, str]:
    """{problems/<layer>.yaml: text} for every layer (names made file-safe)."""
    return {f"problems/{file_safe(s.name)}.yaml": problem_yaml(s) for s in layers}


def load_yaml(text: str) -> dict:
    """Parse a Timeloop v0.4 YAML text (PyYAML, the `parquet` extra): ``!Container`` / ``!Component`` nodes
    become dicts with their tag under ``"!"`` (e.g. ``{"!": "Container", "name": "PE", ...}``). Plain
    `yaml.safe_load` refuses the tags; `yaml.BaseLoader` reads them but leaves every number a string."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, tag, node: {"!": tag, **loader.construct_mapping(node, deep=True)})
    return yaml.load(text, Loader=Loader)

"""Helpers shared by the subcommands: loading models, mapping and hardware files, model options."""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from diffhw.errors import InputError

#: Built-in default inputs: VGG16 under the NVDLA-like dataflow, on MAESTRO's accelerator_1 hardware file.
DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_MAPPING = DATA / "vgg16_dla.m"
DEFAULT_HW = DATA / "accelerator_1.m"

def load_graph(model: str, input_shape, convention: str):
    """`load_model(model)`, or None and its failure as InputErrors (a bad MAESTRO file's own, else one naming
    MODEL; never a traceback). Prints the input shape used and a note per op kept in the graph without a
    MAESTRO layer."""
    from diffhw.errors import ErrorReport
    from diffhw.frontends.models import load_model

    try:
        graph = load_model(model, input_shape, convention)
    except InputError as e:
        return None, [e]
    except ErrorReport as e:
        return None, list(e.errors)
    except (ValueError, ImportError, OSError) as e:
        return None, [InputError(file=model, message=str(e))]
    except Exception as e:  # a frontend failing on the user's model: report it, no traceback
        return None, [InputError(file=model, message=f"cannot load MODEL: {type(e).__name__}: {e}")]
    if not model.lower().endswith(".m"):  # (a MAESTRO file carries its own shapes)
        shapes = [n.shape for n in graph.nodes if n.kind == "input"]
        given = "@" in model or input_shape is not None
        print(f"note: {model}: input shape {', '.join('x'.join(map(str, s)) for s in shapes)}"
              + ("" if given else " (the model's default; --input-shape N,C,H,W or MODEL@N,C,H,W to change)"),
              file=sys.stderr)
    for node in graph.unsupported():
        note = node.attrs.get("note") or "no MAESTRO layer for this op"
        print(f"note: op {node.attrs.get('op', '?')!r} (node {node.name!r}, output {node.shape}) kept in the "
              f"graph as a non-MAC op, MACs not counted: {note}", file=sys.stderr)
    return graph, []


def model_label(model: str) -> str:
    """A short name for MODEL (run folders, rows): a file's stem, else the name without `@SHAPE`, ':' as '-'."""
    name = model.rpartition("@")[0] if "@" in model else model
    if name.lower().endswith((".m", ".onnx")):
        return Path(name).stem
    return name.replace(":", "-").replace("/", "-")


def model_mappings(models: Sequence[str], dataflow: str, convention: str = "padded", input_shape=None):
    """Mappings made from MODELs as MAESTRO's frontend (`modelfile_to_mapping.py`) makes them: `dataflow` (a
    template name or a dataflow file) on every layer, except `dpt` on DSCONV layers, and `gemm` on GEMM
    layers. Returns ([(label, network)], errors); label is `<network>__<dataflow>`, the reference mapping
    files' naming. Layers the dataflow is invalid for are reported and left out, as in a mapping file."""
    from diffhw.frontends.maestro import apply_dataflow, load_dataflow, validate_layer

    try:
        df = load_dataflow(dataflow)
    except InputError as e:
        return [], [e]
    nets, errors = [], []
    for model in models:
        graph, errs = load_graph(model, input_shape, convention)
        errors.extend(errs)
        if graph is None:
            continue
        net = apply_dataflow(graph.to_network(convention), {"CONV": df, "GEMM": "gemm"}, check=False)
        layers = []
        for layer in net.layers:
            errs = validate_layer(layer, file=model)
            errors.extend(errs)
            if not errs:
                layers.append(layer)
        nets.append((f"{net.name}__{df.name}", replace(net, layers=tuple(layers))))
    return nets, errors


def load_inputs(mappings: Sequence[str], hws: Sequence[str], models: Sequence[str] = (),
                 dataflow: Optional[str] = None, convention: str = "padded", input_shape=None):
    """Parse mapping and hardware files, and make mappings from MODELs under `dataflow`
    (`model_mappings`); returns (mapping items, hw specs, errors)."""
    from diffhw.frontends.maestro import parse_hw, parse_model

    errors: list[InputError] = []
    nets = []
    for path in mappings:
        try:
            net, errs = parse_model(Path(path))
        except OSError as e:
            errors.append(InputError(message=f"cannot read mapping file: {e.strerror}", file=path,
                                     fix="check the path"))
            continue
        errors.extend(errs)
        nets.append((Path(path).stem, net))
    if models:
        made, errs = model_mappings(models, dataflow, convention, input_shape)
        nets.extend(made)
        errors.extend(errs)
    specs = []
    for path in hws:
        try:
            specs.append(parse_hw(Path(path)))
        except OSError as e:
            errors.append(InputError(message=f"cannot read hardware file: {e.strerror}", file=path,
                                     fix="check the path"))
        except InputError as e:
            errors.append(e)
    return nets, specs, errors


def input_shape_arg(text: str) -> tuple[int, ...]:
    """argparse type for --input-shape: comma-separated positive ints, e.g. 1,3,224,224."""
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(",") if t.strip())
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers such as 1,3,224,224, "
                                         f"got {text!r}")
    return shape


def model_options(parser: argparse.ArgumentParser) -> None:
    """--input-shape and --convention, for the commands that read a MODEL."""
    parser.add_argument("--input-shape", type=input_shape_arg,
                        help="input shape, e.g. 1,3,224,224 (zoo, PyTorch, ONNX with dynamic sizes)")
    parser.add_argument("--convention", choices=("padded", "maestro"), default="padded",
                        help="padded: Y/X include padding, MACs exact (default); maestro: as MAESTRO's frontend")


@contextlib.contextmanager
def heavy_imports():
    """For the imports that bring JAX in: no garbage collection while they run (each collection would walk
    the hundreds of thousands of objects they make, again and again), and what they made frozen
    (`gc.freeze`) so that the command's later collections do not walk it either (docs/startup.md). Nothing
    of this once JAX is imported (a second command of `diffhw serve` must not freeze the first's garbage)."""
    if "jax" in sys.modules:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

"""model.onnx and model.int8.onnx of an exported design, and the inputs that run them.

`float_model` gives the float network: an ONNX file's own model, a PyTorch factory's module exported with
`torch.onnx.export` (the dynamo exporter), any other graph built from its ops (`onnx_build.graph_to_onnx`,
with a run's trained weights.npz where there is one, else deterministic random weights). Nodes without a
name (or with a duplicate one) get ``<op_type>_<index>``, so that allocation.json can name every node.

`quantize_int8` makes a static int8 QDQ model with `onnxruntime.quantization.quantize_static` (activations
and weights int8, calibration `minmax` or `entropy`) and `int8_error` measures it against the float model.
Representative inputs come from `calibration_inputs` (a .npy file or a folder of them) or `random_inputs`
(seeded: normal floats, int64 ids below the smallest embedding table they index).
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from diffhw.errors import InputError

__all__ = ["CALIBRATION_METHODS", "float_model", "name_nodes", "input_specs", "random_inputs",
           "calibration_inputs", "calibration_labels", "run_model", "quantize_int8", "int8_error"]

CALIBRATION_METHODS = ("minmax", "entropy")


def name_nodes(model) -> int:
    """Give every unnamed or duplicate-named node of `model` the name ``<op_type>_<index>`` (in place);
    returns how many were renamed."""
    seen, renamed = set(), 0
    for i, node in enumerate(model.graph.node):
        if not node.name or node.name in seen:
            base, k = f"{node.op_type}_{i}", 0
            node.name = base
            while node.name in seen:
                k += 1
                node.name = f"{base}_{k}"
            renamed += 1
        seen.add(node.name)
    return renamed


def _torch_export(factory: str, shape: Sequence[int]):
    """The ModelProto of torch.onnx.export of the module `factory` builds, on a float input of `shape`."""
    import pkgutil

    import torch

    try:
        obj = pkgutil.resolve_name(factory)
        module = obj() if callable(obj) and not isinstance(obj, torch.nn.Module) else obj
        module.eval()
        with contextlib.redirect_stdout(io.StringIO()):
            program = torch.onnx.export(module, (torch.zeros(tuple(shape)),), dynamo=True)
    except Exception as e:  # noqa: BLE001 - torch.onnx raises many types; the user's module is at fault
        first = next((t for t in str(e).splitlines() if t.strip()), type(e).__name__)
        raise InputError(file=factory, message=f"torch.onnx.export failed: {type(e).__name__}: {first}",
                         fix="make the module exportable (torch.export-traceable forward), or export it to "
                             "ONNX yourself and pass the .onnx file") from None
    return program.model_proto


def float_model(design, weights=None) -> tuple[object, str]:
    """(ModelProto, a sentence on where it and its weights come from) of an `Exported` design. `weights`:
    an `onnx_build.Weights` for graphs built from ops (default: the run's weights.npz if any, else random)."""
    import onnx

    from diffhw.exporters.onnx_build import Weights, graph_to_onnx, load_weights
    from diffhw.frontends.models import DEFAULT_INPUT_SHAPE

    model = design.model
    if model is not None and model.lower().endswith(".onnx"):
        proto = onnx.load(model)
        note = f"the original ONNX file {model}"
    elif model is not None:
        shape = design.input_shape or DEFAULT_INPUT_SHAPE
        proto = _torch_export(model, shape)
        note = f"torch.onnx.export of the module {model} builds (its own weights), input {tuple(shape)}"
    else:
        npz = design.run_dir / "weights.npz" if design.run_dir is not None else None
        if weights is None:
            weights = Weights(load_weights(npz) if npz is not None else None, source=str(npz))
        proto = graph_to_onnx(design.graph, weights)
        if weights.used_trained and weights.used_random:
            note = (f"built from the op graph; {weights.used_trained} tensors from {npz}, {weights.used_random} "
                    "deterministic random (seed 0)")
        elif weights.used_trained:
            note = f"built from the op graph with the trained weights of {npz}"
        else:
            note = ("built from the op graph with deterministic random weights (PyTorch default initialization, "
                    "seed 0): not trained")
    renamed = name_nodes(proto)
    if renamed:
        note += f"; {renamed} unnamed or duplicate-named nodes were named <op_type>_<index>"
    return proto, note


def input_specs(model, input_shape: Optional[Sequence[int]] = None) -> list[tuple[str, tuple, np.dtype, int]]:
    """(name, shape, dtype, id bound) of every graph input; `input_shape` fixes the dims of a single input
    exported with symbolic sizes. The id bound of an int input is the smallest embedding table it indexes."""
    from onnx import helper

    inits = {t.name: t for t in model.graph.initializer}
    out = []
    inputs = [i for i in model.graph.input if i.name not in inits]
    for inp in inputs:
        t = inp.type.tensor_type
        shape = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
        if input_shape is not None and len(inputs) == 1:
            shape = tuple(input_shape)
        if None in shape or not all(s > 0 for s in shape):
            raise InputError(file="model.onnx", layer=inp.name, message=f"input {inp.name!r} has dynamic sizes "
                             f"{shape}", fix="pass --input-shape with concrete sizes, e.g. 1,3,224,224")
        dtype = helper.tensor_dtype_to_np_dtype(t.elem_type)
        bound = 0
        if dtype.kind in "iu":
            tables = [inits[n.input[0]].dims[0] for n in model.graph.node
                      if n.op_type == "Gather" and len(n.input) > 1 and n.input[1] == inp.name and n.input[0] in inits]
            bound = int(min(tables)) if tables else 2
        out.append((inp.name, shape, dtype, bound))
    return out


def random_inputs(specs, n: int, seed: int) -> list[dict]:
    """`n` seeded feeds {input name: array}: normal floats, uniform ids in [0, bound)."""
    rng = np.random.default_rng(seed)
    return [{name: (rng.integers(0, bound, shape).astype(dtype) if dtype.kind in "iu"
                    else rng.standard_normal(shape).astype(dtype)) for name, shape, dtype, bound in specs}
            for _ in range(n)]


def calibration_inputs(path, specs) -> list[dict]:
    """Feeds from a .npy file or a folder of .npy files (sorted by name) for a single-input model: an array
    of the input's shape is one feed; an array [k, *shape[1:]] (or [k, *shape]) is split into k / batch
    feeds."""
    path = Path(path)
    if len(specs) != 1:
        raise InputError(file=str(path), message=f"the model has {len(specs)} inputs; --calibration data "
                         "feeds single-input models", fix="leave --calibration out (seeded random inputs)")
    name, shape, dtype, _ = specs[0]
    files = sorted(path.glob("*.npy")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError(file=str(path), message="no .npy file here", fix="give a .npy file or a folder of them")
    feeds = []
    for f in files:
        try:
            a = np.load(f, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise InputError(file=str(f), message=f"cannot read the array: {e}", fix="save it with numpy.save")
        if a.shape == shape:
            feeds.append({name: a.astype(dtype)})
            continue
        if a.ndim == len(shape) + 1 and a.shape[1:] == shape:
            a = a.reshape((-1,) + shape[1:])
        if a.ndim != len(shape) or a.shape[1:] != shape[1:] or a.shape[0] % shape[0]:
            raise InputError(file=str(f), message=f"array of shape {a.shape} does not hold inputs of shape {shape}",
                             fix=f"save an array of shape [k, {', '.join(map(str, shape[1:]))}] (k a multiple of "
                                 f"{shape[0]})")
        feeds.extend({name: c.astype(dtype)} for c in np.split(a, a.shape[0] // shape[0]))
    return feeds


def run_model(path_or_bytes, feeds: Sequence[dict]) -> list[list[np.ndarray]]:
    """Outputs of the model (file or serialized bytes) for each feed, with onnxruntime on the CPU."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path_or_bytes) if isinstance(path_or_bytes, Path) else path_or_bytes, opts,
                                providers=["CPUExecutionProvider"])
    return [sess.run(None, f) for f in feeds]


def quantize_int8(float_path: Path, out_path: Path, feeds: Sequence[dict], method: str = "minmax") -> None:
    """Static int8 QDQ quantization of the model at `float_path` into `out_path`, calibrated on `feeds`."""
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)

    if method not in CALIBRATION_METHODS:
        raise ValueError(f"unknown calibration method {method!r}; use one of {', '.join(CALIBRATION_METHODS)}")

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(feeds)

        def get_next(self):
            return next(self.it, None)

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_static logs a pre-processing hint on the root logger
    try:
        quantize_static(str(float_path), str(out_path), Reader(), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                        calibrate_method={"minmax": CalibrationMethod.MinMax,
                                          "entropy": CalibrationMethod.Entropy}[method])
    finally:
        root.setLevel(level)


def calibration_labels(path, n: int) -> np.ndarray:
    """Integer class labels [n] from a .npy file, one per calibration sample (row of the batch axis)."""
    try:
        y = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise InputError(file=str(path), message=f"cannot read the labels: {e}", fix="save them with numpy.save")
    if y.shape != (n,) or y.dtype.kind not in "iu":
        raise InputError(file=str(path), message=f"labels of shape {y.shape} and type {y.dtype}",
                         fix=f"save {n} integer class labels, one per calibration sample")
    return y


def int8_error(float_out: list, int8_out: list, labels: Optional[np.ndarray] = None) -> dict:
    """int8 vs float on the same feeds (lists over feeds of output lists): max and mean absolute difference
    over all outputs, the max difference relative to the float outputs' max magnitude, for outputs with a
    class axis (last dim > 1) the fraction of rows whose argmax agrees, and with `labels` (one per feed) the
    top-1 accuracy of the first output (rows of its last axis) in float and in int8 (None if the rows and
    labels differ in number)."""
    diffs, mags, agree, rows = [], [], 0, 0
    for fo, qo in zip(float_out, int8_out):
        for f, q in zip(fo, qo):
            f, q = np.asarray(f, np.float64), np.asarray(q, np.float64)
            diffs.append(np.abs(f - q).ravel())
            mags.append(np.abs(f).ravel())
            if f.ndim >= 2 and f.shape[-1] > 1:
                agree += int((f.reshape(-1, f.shape[-1]).argmax(-1) == q.reshape(-1, q.shape[-1]).argmax(-1)).sum())
                rows += math.prod(f.shape[:-1])
    d, m = np.concatenate(diffs), np.concatenate(mags)
    out = {"inputs": len(float_out), "max_abs_diff": float(d.max()), "mean_abs_diff": float(d.mean()),
           "max_abs_float": float(m.max()), "relative_max_diff": float(d.max() / max(m.max(), 1e-30)),
           "top1_agreement": (agree / rows) if rows else None}
    if labels is not None:
        def accuracy(outs):
            pred = np.concatenate([np.asarray(o[0]).reshape(-1, np.shape(o[0])[-1]).argmax(-1) for o in outs])
            return float(np.mean(pred == labels)) if pred.shape == labels.shape else None
        out["accuracy_float"], out["accuracy_int8"] = accuracy(float_out), accuracy(int8_out)
    return out

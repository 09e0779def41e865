"""One entry point for every model description: `load_model(MODEL) -> Graph`.

MODEL is one of

* a path ending in ``.onnx``: an ONNX model (`diffhw.frontends.onnx_graph.from_onnx`; needs ``onnx``);
* a path ending in ``.m``: a MAESTRO model or mapping file (`Graph.from_network` of the parsed layers);
* a zoo name (`diffhw.frontends.zoo.NAMES`, e.g. ``resnet50``);
* ``package.module:function``: a PyTorch factory returning an ``nn.Module``
  (`diffhw.frontends.pytorch.from_torch_factory`; needs ``torch``).

The torch and onnx frontends are imported only when such a MODEL is asked for.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Optional, Sequence

from diffhw.errors import raise_if_any
from diffhw.frontends.graph import CONVENTIONS, Graph

__all__ = ["MissingDependency", "MODEL_KINDS", "DEFAULT_INPUT_SHAPE", "load_model", "load_networks", "split_shape"]

#: What MODEL may be (for error messages).
MODEL_KINDS = ("an .onnx file", "a MAESTRO .m file", "a zoo name", "a PyTorch factory 'package.module:function'")
#: Input shape of a PyTorch factory's model when none is given.
DEFAULT_INPUT_SHAPE = (1, 3, 224, 224)
_FACTORY_RE = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


class MissingDependency(ImportError):
    """An optional package (torch, onnx) needed for this MODEL is not installed."""


def _call_frontend(module: str, function: str, package: str, *args, **kwargs) -> Graph:
    """diffhw.frontends.<module>.<function>(*args, **kwargs), turning a missing `package` (torch, onnx) into a
    `MissingDependency` that says how to install it."""
    try:
        return getattr(importlib.import_module(f"diffhw.frontends.{module}"), function)(*args, **kwargs)
    except ModuleNotFoundError as e:
        if e.name is not None and e.name.split(".")[0] == package:
            raise MissingDependency(f"this MODEL needs the '{package}' package, which is not installed; "
                                    f"install it with: pip install 'diffhw[{package}]'") from e
        raise


def split_shape(model: str, input_shape: Optional[Sequence[int]] = None):
    """`MODEL@1,3,32,32` -> (MODEL, (1, 3, 32, 32)): a per-model input shape, which wins over `input_shape`
    (the command's --input-shape, shared by all its models). Without `@SHAPE`: (model, input_shape)."""
    if not isinstance(model, str) or "@" not in model:
        return model, input_shape
    name, _, text = model.rpartition("@")
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if not name or not shape or min(shape) < 1:
        raise ValueError(f"MODEL {model!r}: after '@' give the input shape as positive integers, e.g. "
                         f"{name or 'resnet18'}@1,3,32,32")
    return name, shape


def load_model(model: str, input_shape: Optional[Sequence[int]] = None, convention: str = "padded") -> Graph:
    """The op graph of `model` (see the module docstring for the accepted kinds); `MODEL@N,C,H,W` gives a
    model its own input shape (`split_shape`).

    `input_shape` sets the input of zoo and PyTorch models ((N, C, H, W), or (N, seq_len) for bert_base;
    default: the zoo model's own, `DEFAULT_INPUT_SHAPE` for PyTorch factories) and of an ONNX file's single
    input (needed when the file was exported with dynamic sizes, e.g. a symbolic batch); MAESTRO files carry
    their own shapes. `convention` is checked here but applies when the graph is
    lowered (`Graph.to_network(convention)`): the graph itself is the same for both.
    Raises ValueError (bad MODEL or shape), `MissingDependency`, OSError (unreadable file) or the
    `InputError`/`ErrorReport` of an invalid MAESTRO file.
    """
    from diffhw.frontends import zoo

    model, input_shape = split_shape(model, input_shape)
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; use one of {', '.join(CONVENTIONS)}")
    if not isinstance(model, str) or not model:
        raise ValueError(f"MODEL must be a non-empty string: {', '.join(MODEL_KINDS)}")
    suffix = Path(model).suffix.lower()
    if suffix in (".onnx", ".m"):
        path = Path(model)
        if not path.is_file():
            raise ValueError(f"MODEL {model!r}: no such file")
        if suffix == ".onnx":
            shape = None if input_shape is None else tuple(input_shape)
            return _call_frontend("onnx_graph", "from_onnx", "onnx", str(path), input_shape=shape)
        if input_shape is not None:
            raise ValueError(f"MODEL {model!r}: --input-shape applies to zoo, PyTorch and ONNX models; a "
                             "MAESTRO .m file fixes its own input shape")
        from diffhw.frontends.maestro import parse_model

        network, errors = parse_model(path)
        raise_if_any(errors)
        return Graph.from_network(network)
    if zoo.canonical(model) is not None:
        return zoo.get(model, input_shape=input_shape)
    if _FACTORY_RE.fullmatch(model):
        shape = DEFAULT_INPUT_SHAPE if input_shape is None else tuple(input_shape)
        return _call_frontend("pytorch", "from_torch_factory", "torch", model, shape)
    raise ValueError(f"unknown MODEL {model!r}: expected {', '.join(MODEL_KINDS[:-1])} or {MODEL_KINDS[-1]} "
                     f"(zoo names: {', '.join(zoo.NAMES)})")


def _expand_sources(sources: Sequence[str]) -> list[str]:
    out = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.iterdir()) if f.suffix.lower() in (".m", ".onnx"))
        else:
            out.append(s)
    return out


def load_networks(sources: Sequence[str], input_shape=None, convention: str = "padded"):
    """Networks for a sweep from files (.m, .onnx), folders of them, zoo names or PyTorch factories
    (`load_model`; `MODEL@SHAPE` each); a mapping file's own dataflows are ignored (the sweep applies its
    dataflows). Returns (`diffhw.sweep.Models` or None, errors as strings): a model that fails to load is
    reported and the others kept."""
    from diffhw.sweep import models_from_networks

    nets, errors, seen = [], [], set()
    for src in _expand_sources(sources):
        try:
            g = load_model(src, input_shape, convention)
            layers = [s for s in g.to_network(convention).layers if s.op in ("CONV", "DSCONV", "GEMM")]
        except Exception as e:  # a frontend failing on a user's model: report it and go on
            errors.append(f"cannot load MODEL {src!r}: {e}")
            continue
        if not layers:
            errors.append(f"MODEL {src!r} has no MAC layers")
            continue
        name = Path(src).stem if Path(src).suffix.lower() in (".m", ".onnx") else src
        base, i = name, 1
        while name in seen:
            name, i = f"{base}_{i}", i + 1
        seen.add(name)
        nets.append((name, layers))
    return (models_from_networks(nets) if nets else None), errors

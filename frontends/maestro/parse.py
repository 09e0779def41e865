"""Reading MAESTRO's files: model / mapping files (`parse_model`), dataflow blocks (`parse_dataflow`,
`load_dataflow`), hardware files (`parse_hw`). The syntax and what is refused: see `diffhw.frontends.maestro`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Union

from diffhw.dataflow import DATAFLOW_ALIASES, TEMPLATES, Cluster, Dataflow, Map, Sz
from diffhw.errors import InputError
from diffhw.frontends.maestro.tokens import Token, _parse_int, _read_source, tokenize
from diffhw.hardware import INT_MAX, HardwareSpec
from diffhw.layers import LayerSpec, Network, SourceLoc
from diffhw.validation import (KNOWN_DIMS, LAYER_TYPES, check_dataflow, check_layer_dims, rs_tile_error, size_value,
                               structure_errors)

class _LayerFail(Exception):
    """An error inside a layer: record it and skip to the layer's closing brace."""

    def __init__(self, err: InputError):
        self.err = err


class _FileFail(Exception):
    """An error that ends the parse (unbalanced braces, garbage outside layers)."""

    def __init__(self, err: InputError):
        self.err = err




@dataclass
class _LayerRecord:
    name: str
    line: int
    op: Optional[str] = None
    dims: dict = field(default_factory=dict)
    stride: dict = field(default_factory=dict)
    directives: list = field(default_factory=list)
    had_dims: bool = False
    where: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    failed: bool = False
    spec: Optional[LayerSpec] = None


_FC_FIX = {
    "FC": "write a fully connected layer as Type: CONV with R: 1, S: 1, Y: 1, X: 1 (K = outputs, C = inputs)",
    "POOL": "pooling has no MACs in MAESTRO's model: remove the layer",
    "LSTM": "write the LSTM's matrix products as GEMM layers",
}


class _Parser:
    def __init__(self, tokens: list[Token], file: str, template: bool = False, lines: Optional[list[str]] = None):
        self.template = template  # a bare Dataflow block: Sz(D) of any known dimension, kept symbolic
        self.lines = lines  # the source lines (layer names as written)
        self.toks = tokens
        self.i = 0
        self.depth = 0
        self.file = file
        self.constants: dict[str, int] = {}
        self.errors: list[InputError] = []
        self.records: list[_LayerRecord] = []
        self.network_name: Optional[str] = None

    # -- stream
    def next(self) -> Optional[Token]:
        if self.i >= len(self.toks):
            return None
        t = self.toks[self.i]
        self.i += 1
        if t.text == "{":
            self.depth += 1
        elif t.text == "}":
            self.depth -= 1
        elif "{" in t.text or "}" in t.text:  # a glued brace ('Dimensions{'): an error, but count it so
            self.depth += t.text.count("{") - t.text.count("}")  # that recovery finds the layer's end
        return t

    def peek(self) -> Optional[Token]:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _last_line(self) -> int:
        return self.toks[-1].line if self.toks else 1

    # -- errors
    def err(self, line: int, msg: str, fix: str, layer: Optional[str] = None) -> InputError:
        return InputError(file=self.file, line=line, layer=layer, message=msg, fix=fix)

    def file_fail(self, line: int, msg: str, fix: str, layer: Optional[str] = None):
        raise _FileFail(self.err(line, msg, fix, layer))

    def layer_fail(self, rec: _LayerRecord, line: int, msg: str, fix: str):
        raise _LayerFail(self.err(line, msg, fix, rec.name))

    def need(self, rec: Optional[_LayerRecord], what: str) -> Token:
        t = self.next()
        if t is None:
            if rec is not None and not self.template:
                self.file_fail(self._last_line(), f"the file ends inside layer '{rec.name}' (opened at line "
                               f"{rec.line}) while expecting {what}", "close every block with '}'", rec.name)
            self.file_fail(self._last_line(), f"the file ends while expecting {what}", "complete the file")
        return t

    # -- top level
    def parse(self) -> None:
        try:
            while (t := self.next()) is not None:
                if t.text == "Network":
                    self.network(t)
                elif t.text == "Constant":
                    self.constant(t)
                elif t.text == "Accelerator":
                    self.file_fail(t.line, "Accelerator blocks are not supported (MAESTRO's parser cannot close "
                                   "one either)", "describe the hardware in a separate hardware file")
                elif t.text == "}":
                    self.file_fail(t.line, "unbalanced braces: '}' without a matching '{'",
                                   "remove the extra '}'")
                else:
                    self.file_fail(t.line, f"unexpected {t.text!r} at top level",
                                   "a model file holds 'Constant NAME value;' lines and 'Network name { ... }'")
        except _FileFail as f:
            self.errors.append(f.err)

    def constant(self, t: Token) -> None:
        name = self.need(None, "a constant name after 'Constant'")
        if name.text in ("{", "}"):
            self.file_fail(name.line, f"expected a constant name after 'Constant', got {name.text!r}",
                           "write Constant NAME value;")
        val = self.need(None, f"the value of constant {name.text}")
        v = _parse_int(val)
        if v is None or val.neg or v > INT_MAX:
            self.file_fail(val.line, f"the value of constant {name.text} must be a non-negative integer "
                           f"(got {'-' if val.neg else ''}{val.text!r})", f"write Constant {name.text} 16;")
        self.constants[name.text] = v

    def network(self, t: Token) -> None:
        while True:
            tok = self.need(None, "'{' after 'Network'")
            if tok.text == "{":
                break
            if "{" in tok.text or "}" in tok.text:
                self.file_fail(tok.line, f"expected 'Network [name] {{', got {tok.text!r}",
                               "write 'Network name {' with the brace as a separate token")
            self.network_name = tok.text  # MAESTRO: the last token before '{' names the network
        while True:
            tok = self.next()
            if tok is None:
                self.file_fail(self._last_line(), f"unbalanced braces: the Network block opened at line "
                               f"{t.line} is never closed", "add the missing '}'")
            if tok.text == "}":
                return
            if tok.text == "Layer":
                self.layer(tok)
            else:
                self.file_fail(tok.line, f"unexpected {tok.text!r} in the Network block (expected 'Layer' or '}}')",
                               "check the braces of the previous layer; every layer is 'Layer name { ... }'")

    # -- layers
    def written_name(self, names: list[Token]) -> str:
        """A layer's name as written between ``Layer`` and ``{`` (``Conv2d-1``, as MAESTRO's PyTorch frontend
        writes it; MAESTRO itself keeps only the last token, ``1``); "Layer" when there is none."""
        if not names:
            return "Layer"
        first, last = names[0], names[-1]
        if first.line != last.line or self.lines is None:
            return " ".join(n.text for n in names)
        return self.lines[first.line - 1][first.col - 1:last.col - 1 + len(last.text)]

    def layer(self, start: Token) -> None:
        names: list[Token] = []
        while True:
            tok = self.need(None, "'{' after 'Layer'")
            if tok.text == "{":
                break
            if tok.text == "}":
                self.file_fail(tok.line, "expected 'Layer name {'", "write Layer name { ... }")
            names.append(tok)
        rec = _LayerRecord(self.written_name(names), start.line)
        layer_depth = self.depth
        try:
            if any("{" in n.text or "}" in n.text for n in names):
                self.layer_fail(rec, start.line, f"the layer name {names[-1].text!r} contains a brace; braces "
                                "must be separate tokens", "write 'Layer name {' with spaces around the brace")
            self.layer_body(rec)
            self.finish_layer(rec)
        except _LayerFail as f:
            self.errors.append(f.err)
            rec.failed = True
            while self.depth >= layer_depth:
                if self.next() is None:
                    self.file_fail(self._last_line(), f"unbalanced braces: layer '{rec.name}' (line {rec.line}) "
                                   "is never closed", "add the missing '}'", rec.name)
        self.records.append(rec)

    def layer_body(self, rec: _LayerRecord) -> None:
        while True:
            t = self.need(rec, "'}'")
            if t.text == "}":
                return
            if t.text == "Type":
                self.layer_type(rec, self.need(rec, "the layer type"))
            elif t.text == "Stride":
                if rec.had_dims:
                    self.layer_fail(rec, t.line, "Stride must come before Dimensions (MAESTRO stops here)",
                                    "move the Stride { ... } line above Dimensions")
                self.block(rec, t, self.stride_entry)
            elif t.text == "Dimensions":
                rec.had_dims = True
                rec.where.setdefault("dims", t.line)
                self.block(rec, t, self.dim_entry)
            elif t.text == "Dataflow":
                self.block(rec, t, self.directive)
            else:
                hint = " (is the '}' of the previous block missing?)" if t.text == "Layer" else ""
                self.layer_fail(rec, t.line, f"unexpected {t.text!r} in the layer{hint}",
                                "a layer holds Type, Stride { }, Dimensions { } and Dataflow { }")

    def block(self, rec: _LayerRecord, head: Token, entry) -> None:
        o = self.need(rec, f"'{{' after {head.text}")
        if o.text != "{":
            self.layer_fail(rec, o.line, f"expected '{{' after {head.text}, got {o.text!r}",
                            f"write '{head.text} {{' with the brace as a separate token")
        while True:
            t = self.need(rec, f"'}}' closing {head.text}")
            if t.text == "}":
                return
            if t.text == "{":
                self.layer_fail(rec, t.line, f"unexpected '{{' in {head.text}", "remove the extra '{'")
            entry(rec, t)

    def layer_type(self, rec: _LayerRecord, t: Token) -> None:
        op = t.text
        rec.where["type"] = t.line
        if op in LAYER_TYPES:
            rec.op = op
        elif op == "TRCONV":
            rec.op = "CONV"
            rec.notes.append("Type TRCONV is evaluated as the CONV MAESTRO makes of it (its transposed-conv "
                             "stride is never used by MAESTRO's cost model): the numbers are a plain convolution's")
        elif op in _FC_FIX:
            self.layer_fail(rec, t.line, f"Type {op} is recognized by MAESTRO but not implemented (it rejects "
                            "the layer)", _FC_FIX[op])
        elif op in ("{", "}"):
            self.layer_fail(rec, t.line, "missing layer type after 'Type'", "write Type: CONV")
        else:
            self.layer_fail(rec, t.line, f"unknown layer type {op!r}", "use Type: CONV, DSCONV or GEMM")

    def number_token(self, rec: _LayerRecord, what: str) -> Token:
        t = self.need(rec, what)
        if t.text in ("{", "}"):
            self.layer_fail(rec, t.line, f"missing {what} before {t.text!r}", f"write the {what}")
        return t

    def _int_value(self, rec: _LayerRecord, t: Token, what: str, constants: bool, minimum: int = 1) -> int:
        if constants and t.text in self.constants:
            v: Optional[int] = self.constants[t.text]
        else:
            v = _parse_int(t)
        if t.neg:
            self.layer_fail(rec, t.line, f"{what} is negative (-{t.text}); MAESTRO drops the '-' and reads "
                            f"{t.text}", f"write a {what} >= {minimum}")
        if v is None:
            extra = " or a Constant" if constants else ""
            self.layer_fail(rec, t.line, f"{what} must be an integer{extra}, got {t.text!r}",
                            f"write a {what} >= {minimum}")
        if v < minimum or v > INT_MAX:
            self.layer_fail(rec, t.line, f"{what} must be between {minimum} and {INT_MAX} (got {v})",
                            f"write a {what} >= {minimum}")
        return v

    def stride_entry(self, rec: _LayerRecord, key: Token) -> None:
        val = self.number_token(rec, f"stride of {key.text}")
        rec.stride[key.text] = self._int_value(rec, val, f"stride of {key.text}", constants=False)
        rec.where[("stride", key.text)] = key.line

    def dim_entry(self, rec: _LayerRecord, key: Token) -> None:
        val = self.number_token(rec, f"size of dimension {key.text}")
        size = self._int_value(rec, val, f"size of dimension {key.text}", constants=True)
        if key.text in rec.dims and rec.dims[key.text] != size:
            self.layer_fail(rec, key.line, f"dimension {key.text} is given twice with different sizes "
                            f"({rec.dims[key.text]}, {size}); MAESTRO's analysis takes the first and its Sz() "
                            "the last", f"keep one {key.text} entry in Dimensions")
        rec.dims[key.text] = size  # given twice with the same size: as once (what MAESTRO computes)
        rec.where[("dim", key.text)] = key.line

    def map_number(self, rec: _LayerRecord, what: str):
        t = self.number_token(rec, what)
        if t.text == "Sz":
            d = self.need(rec, "a dimension name after Sz")
            if self.template:
                if d.text not in KNOWN_DIMS:
                    self.layer_fail(rec, d.line, f"Sz({d.text}): unknown dimension {d.text!r}",
                                    f"use Sz() of one of {', '.join(KNOWN_DIMS)}")
            elif d.text not in rec.dims:
                declared = ", ".join(rec.dims) or "none yet"
                self.layer_fail(rec, d.line, f"Sz({d.text}): dimension {d.text} is not declared in Dimensions "
                                f"before this Dataflow block (declared: {declared})",
                                f"declare {d.text} in Dimensions before the Dataflow block, or use another "
                                "dimension")
            return Sz(d.text)
        return self._int_value(rec, t, what, constants=True)

    def directive(self, rec: _LayerRecord, t: Token) -> None:
        idx = len(rec.directives)
        if t.text in ("TemporalMap", "SpatialMap"):
            kind = "temporal" if t.text == "TemporalMap" else "spatial"
            size = self.map_number(rec, f"{t.text} size")
            offset = self.map_number(rec, f"{t.text} offset")
            d = self.need(rec, f"the dimension of the {t.text}")
            if d.text in ("{", "}"):
                self.layer_fail(rec, d.line, f"missing dimension name after {t.text}({size},{offset})",
                                f"write {t.text}({size},{offset}) K;")
            m = Map(kind, size, offset, d.text)
            e = rs_tile_error(m, size_value(size, rec.dims), size_value(offset, rec.dims), rec.dims.get(d.text))
            if e:
                self.layer_fail(rec, t.line, *e)
            rec.directives.append(m)
        elif t.text == "Cluster":
            size = self.map_number(rec, "Cluster size")
            kind = "P"
            nxt = self.peek()
            if nxt is not None and nxt.text in ("P", "L"):
                kind = self.next().text
            rec.directives.append(Cluster(size, kind))
        else:
            self.layer_fail(rec, t.line, f"unexpected {t.text!r} in Dataflow",
                            "a Dataflow block holds TemporalMap(size,offset) D; SpatialMap(size,offset) D; and "
                            "Cluster(n, P);")
        rec.where[("directive", idx)] = t.line

    def finish_layer(self, rec: _LayerRecord) -> None:
        if rec.op is None:
            self.layer_fail(rec, rec.line, "the layer has no Type", "add Type: CONV (or DSCONV, GEMM)")
        if not rec.dims:
            self.layer_fail(rec, rec.line, "the layer has no Dimensions",
                            "add Dimensions { K: .., C: .., R: .., S: .., Y: .., X: .. }")
        rec.spec = LayerSpec(
            name=rec.name, op=rec.op, dims=dict(rec.dims), stride=dict(rec.stride), dataflow=None,
            loc=SourceLoc(self.file, rec.line), notes=tuple(rec.notes),
        )
        errors = check_layer_dims(rec.spec, self.file, rec.where)
        if errors:
            self.errors.extend(errors)
            rec.failed = True


def _attach_dataflows(records: list[_LayerRecord], file: str) -> list[InputError]:
    """Second pass: own or inherited dataflow per layer (MAESTRO's prev_directive_table), checked."""
    errors: list[InputError] = []
    is_mapping = any(r.directives for r in records)
    prev: Optional[_LayerRecord] = None
    for r in records:
        if r.failed or not is_mapping:
            prev = r
            continue
        inherited = None
        if r.directives:
            df = Dataflow(tuple(r.directives), "")
        elif prev is None:
            errors.append(InputError(
                file=file, line=r.line, layer=r.name,
                message="the first layer of a mapping file has no Dataflow block (MAESTRO crashes)",
                fix="add a Dataflow { ... } block to this layer (later layers without one reuse it)"))
            r.failed = True
            prev = r
            continue
        elif prev.failed:
            errors.append(InputError(
                file=file, line=r.line, layer=r.name,
                message=f"the layer has no Dataflow block and would reuse the one of layer '{prev.name}', "
                        "which is invalid",
                fix=f"fix layer '{prev.name}' or give this layer its own Dataflow block"))
            r.failed = True
            prev = r
            continue
        else:
            df = prev.spec.dataflow.resolve(prev.spec.dims)
            inherited = prev.name
        spec = replace(r.spec, dataflow=df)
        errs = check_dataflow(spec, file=file, where=r.where, check_sizes=False, inherited_from=inherited)
        if errs:
            errors.extend(errs)
            r.failed = True
        else:
            r.spec = spec
        prev = r
    return errors


def parse_model(text_or_path, file: Optional[str] = None) -> tuple[Network, list[InputError]]:
    """Parse a MAESTRO model file or mapping file (a model whose layers have `Dataflow` blocks).

    `text_or_path` is the file's text or its path (str or Path); `file` names it in messages (default: the
    path, or "<memory>"). Returns the network of the valid layers, in file order, and the errors (one or more
    per invalid layer; a file-level syntax error ends the parse with the layers read so far). Never raises
    for bad input.

    `LayerSpec.dims` keeps the dimensions as written, `stride` the Stride block; `dataflow` is None in a
    model file, else the layer's directives with `Sz(D)` kept symbolic and constants resolved (a layer
    without a Dataflow block gets the previous layer's, resolved against the previous layer's dims).
    """
    text, name, error = _read_source(text_or_path, file)
    default_name = Path(name).stem if name != "<memory>" else ""
    if error is not None:
        return Network(default_name, (), name), [error]
    p = _Parser(tokenize(text), name, lines=text.split("\n"))
    p.parse()
    errors = list(p.errors)
    errors.extend(_attach_dataflows(p.records, name))
    errors.sort(key=lambda e: e.line)
    if not p.records and not errors:
        errors.append(InputError(file=name, line=1, message="no layers found",
                                 fix="write 'Network name { Layer l1 { Type: CONV ... } }'"))
    layers = tuple(r.spec for r in p.records if not r.failed)
    net_name = p.network_name if p.network_name is not None else default_name
    return Network(net_name, layers, name), errors




def parse_dataflow(text_or_path, file: Optional[str] = None, name: Optional[str] = None) -> Dataflow:
    """Parse a dataflow template file: a bare ``Dataflow { ... }`` block, as in MAESTRO's
    ``tools/frontend/dataflow/*.m`` (the text `modelfile_to_mapping.py` pastes into every layer).

    ``Sz(D)`` stays symbolic (D must be a known dimension name); numbers must be positive integers. The
    layer-independent checks are applied (cluster levels, spatial maps per level, the R/S rule when both
    numbers are integers). Raises `InputError` (the first problem) on bad input. The Dataflow's name is
    `name`, else the file stem.
    """
    text, fname, error = _read_source(text_or_path, file)
    if error is not None:
        raise error
    df_name = name if name is not None else (Path(fname).stem if fname != "<memory>" else "")
    p = _Parser(tokenize(text), fname, template=True)
    rec = _LayerRecord("", 1)
    where = rec.where

    def fail(line: int, msg: str, fix: str):
        raise InputError(file=fname, line=line, message=msg, fix=fix)
    try:
        head = p.next()
        if head is None or head.text != "Dataflow":
            fail(head.line if head else 1, "a dataflow file must start with 'Dataflow {'"
                 + (f" (got {head.text!r})" if head else " (the file is empty)"),
                 "write Dataflow { TemporalMap(1,1) K; ... }")
        p.block(rec, head, p.directive)
        extra = p.next()
        if extra is not None:
            fail(extra.line, f"unexpected {extra.text!r} after the Dataflow block", "remove it")
    except _LayerFail as f:
        raise InputError(file=fname, line=f.err.line, message=f.err.message, fix=f.err.fix) from None
    except _FileFail as f:
        raise InputError(file=fname, line=f.err.line, message=f.err.message, fix=f.err.fix) from None
    if not rec.directives:
        fail(1, "the Dataflow block is empty", "add TemporalMap / SpatialMap / Cluster directives")
    df = Dataflow(tuple(rec.directives), df_name)
    for i, d in enumerate(df.directives):
        if isinstance(d, Map) and d.dim not in KNOWN_DIMS:
            fail(where.get(("directive", i), 1), f"unknown dimension {d.dim!r}", f"map one of {', '.join(KNOWN_DIMS)}")
    for i, msg, fix in structure_errors(df):
        fail(where.get(("directive", i), 1) if i is not None else 1, msg, fix)
    return df


def load_dataflow(name_or_path: Union[str, os.PathLike]) -> Dataflow:
    """A built-in template by name (os, ws, rs, dla, dpt, gemm; aliases gemm_nmk, kcp_ws, xp_ws) or a
    dataflow file (see `parse_dataflow`). Raises `InputError` for an unknown name or a bad file."""
    if isinstance(name_or_path, str) and not os.path.isfile(name_or_path):
        key = DATAFLOW_ALIASES.get(name_or_path, name_or_path)
        if key in TEMPLATES:
            return TEMPLATES[key]
        if not (name_or_path.endswith(".m") or os.sep in name_or_path):
            known = ", ".join(sorted(set(TEMPLATES) | set(DATAFLOW_ALIASES)))
            raise InputError(file=name_or_path, message=f"unknown dataflow {name_or_path!r}",
                             fix=f"use one of {known}, or the path of a dataflow file")
    return parse_dataflow(name_or_path)




#: Hardware file keys -> HardwareSpec fields, minimum accepted values.
HW_KEYS = {
    "num_pes": ("num_pes", 1),
    "l1_size_cstr": ("l1_size", 0),
    "l2_size_cstr": ("l2_size", 0),
    "noc_bw_cstr": ("noc_bw", 1),
    "offchip_bw_cstr": ("offchip_bw", 1),
    "NoC_NumHops": ("noc_hops", 0),
}

_HW_FIX_LOW = {
    "num_pes": "num_pes must be >= 1 (MAESTRO crashes with SIGFPE on 0)",
    "noc_bw_cstr": "noc_bw_cstr must be >= 1 (MAESTRO crashes with SIGFPE on 0); omit the line for unlimited",
    "offchip_bw_cstr": "offchip_bw_cstr must be >= 1 (MAESTRO crashes with SIGFPE on 0); omit the line for "
                       "unlimited",
}


def parse_hw(text_or_path, file: Optional[str] = None) -> HardwareSpec:
    """Parse a MAESTRO hardware file (``key: integer`` per line; keys num_pes, l1_size_cstr, l2_size_cstr,
    noc_bw_cstr, offchip_bw_cstr, NoC_NumHops; MAESTRO's defaults for missing keys). The name is the file
    stem ("hw" for text without a file name). Raises `InputError` (the first problem) on bad input:
    unknown key, missing or non-integer value, num_pes / noc_bw_cstr / offchip_bw_cstr < 1."""
    text, fname, error = _read_source(text_or_path, file)
    if error is not None:
        raise error
    values: dict[str, int] = {}
    toks = tokenize(text)
    i = 0
    while i < len(toks):
        key = toks[i]
        if key.text not in HW_KEYS:
            raise InputError(file=fname, line=key.line, message=f"unknown hardware key {key.text!r}",
                             fix=f"use only {', '.join(HW_KEYS)} (one 'key: value' per line)")
        if i + 1 >= len(toks):
            raise InputError(file=fname, line=key.line, message=f"{key.text} has no value",
                             fix=f"write {key.text}: <integer>")
        val = toks[i + 1]
        field_name, minimum = HW_KEYS[key.text]
        v = _parse_int(val)
        if v is None:
            raise InputError(file=fname, line=val.line, message=f"the value of {key.text} must be an integer, "
                             f"got {val.text!r}", fix=f"write {key.text}: <integer>")
        if val.neg:
            v = -v
        if v < minimum:
            fix = _HW_FIX_LOW.get(key.text, f"{key.text} must be >= {minimum}")
            raise InputError(file=fname, line=val.line, message=f"{key.text} is {v}", fix=fix)
        if v > INT_MAX:
            raise InputError(file=fname, line=val.line, message=f"{key.text} is {v}, larger than MAESTRO's int "
                             f"({INT_MAX})", fix=f"use at most {INT_MAX}")
        values[field_name] = v
        i += 2
    hw_name = Path(fname).stem if fname != "<memory>" else "hw"
    return HardwareSpec(name=hw_name, **values)


# ------------------------------------------------------------------------------------------- writers

"""MAESTRO file formats: model / mapping files, dataflow templates, hardware files (read: `parse`, write:
`write`, MAESTRO's tokens: `tokens`).

The reader accepts the syntax of MAESTRO's own parser (`DFSL_parser.hpp`, `DFSL_hw-parser.hpp`, commit
4eb08d1) and tokenizes the same way:

* Each line is split on the characters ``" ,->():\\t;"`` (a boost ``char_separator``; empty tokens are
  dropped), so ``K: 64``, ``K 64``, ``K:64`` and ``K->64`` are the same. Braces are *not* separators:
  ``Dimensions{`` is one (bad) token. A token that starts with ``//`` ends the line.
* Top level: ``Constant NAME value;`` and ``Network [name] { Layer ... }`` (the name is optional; several
  Network blocks append to one network).
* A layer: ``Layer name { Type: T  [Stride { X: sx, Y: sy }]  Dimensions { D: n, ... }  [Dataflow {...}] }``;
  ``Stride`` must precede ``Dimensions``; dimension sizes, map sizes/offsets and cluster sizes may name a
  ``Constant`` (looked up *before* the token is read as a number, as MAESTRO does); map sizes, offsets and
  cluster sizes may be ``Sz(D)`` for a dimension declared earlier in the layer; ``Cluster(n, P|L)``.
* ``TemporalMap`` on ``R``/``S`` must have size == offset == the dimension's size (MAESTRO's check,
  evaluated when the directive is read, against the dimensions declared so far).
* A layer without a ``Dataflow`` block reuses the previous layer's dataflow with ``Sz`` already resolved
  against the *previous* layer's dimensions (MAESTRO resolves ``Sz`` while parsing).

Where MAESTRO crashes, stops the whole file, or silently computes garbage, diffhw reports an `InputError`
(file, line, layer, message, fix) and goes on with the next layer:

* types ``FC``/``POOL``/``LSTM`` (recognized but not implemented by MAESTRO), unknown types, a missing
  ``Type`` or ``Dimensions``;
* a size of 0, unknown dimension names, a dimension given twice with different sizes, both ``Y`` and ``Y'``,
  missing required dimensions (``G`` too for ``NGCONV``);
* strides on anything but ``Y``/``X``, or a stride != 1 on a dimension the layer does not declare (MAESTRO
  ignores it silently);
* ``Sz(D)`` of an undeclared dimension, the R/S tile check above, maps on dimensions the layer type does not
  have at that cluster level (MAESTRO: ``Dimension K not found``), levels with 0 or more than 2
  ``SpatialMap``s, ``Y'``/``X'`` maps without an ``R``/``S`` map in the same level, more than 3 ``Cluster``
  levels;
* the first layer of a mapping file without a ``Dataflow`` block (MAESTRO segfaults);
* negative numbers: ``-`` is a separator, so MAESTRO reads ``-5`` as ``5``; we reject it. Values must be
  integers (MAESTRO's ``atoi`` reads ``12abc`` as 12 and ``abc`` as 0) and fit in a C ``int``.

Read as MAESTRO reads them (its numbers; `diffhw.evaluate.evaluate` warns where they are dubious):
``NGCONV`` (dimension ``G``), ``TRCONV`` (the ``CONV`` MAESTRO makes of it, with a note on the layer), a
dimension mapped twice in one level or given twice with the same size, ``Y < R`` or ``X < S``.

Deliberate leniencies (documented differences):

* ``Cluster(n)`` without a type token: MAESTRO silently consumes the *next* token (usually breaking the
  following directive) and stores a null directive; we read it as ``Cluster(n, P)`` and consume nothing
  else, without recording an error.
* ``\\r`` is treated as a separator (MAESTRO would fail on ``{\\r`` of a CRLF file).
* Line numbers are real line numbers (MAESTRO counts a commented line twice).
* A layer's name is the text between ``Layer`` and ``{`` as written: ``Layer Conv2d-1 {`` (the names
  MAESTRO's PyTorch frontend writes) is ``Conv2d-1``, which MAESTRO calls ``1`` (it keeps the last token,
  in a variable that ``Dimensions`` and ``Constant`` also write to, so ``Type`` after ``Dimensions`` renames
  the layer ``X``); a layer without a name is called ``Layer``.
* Tokens at top level other than ``Network``/``Constant`` are an error (MAESTRO ignores them).
"""

from diffhw.frontends.maestro.parse import HW_KEYS, load_dataflow, parse_dataflow, parse_hw, parse_model
from diffhw.frontends.maestro.tokens import SEPARATORS, Token, tokenize
from diffhw.frontends.maestro.write import apply_dataflow, write_dataflow, write_hw, write_model
from diffhw.validation import LAYER_TYPES, check_dataflow, validate_layer

__all__ = [
    "SEPARATORS",
    "LAYER_TYPES",
    "HW_KEYS",
    "Token",
    "tokenize",
    "parse_model",
    "parse_dataflow",
    "load_dataflow",
    "parse_hw",
    "validate_layer",
    "check_dataflow",
    "apply_dataflow",
    "write_model",
    "write_dataflow",
    "write_hw",
]

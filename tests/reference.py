"""Helpers for golden tests: the reference CSVs (MAESTRO's own outputs) as evaluable arrays."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from diffhw.dataflow import TEMPLATES, resolve_numbers
from diffhw.hardware import Hardware
from diffhw.layers import OP_CODES, Layers
from diffhw.program import Program

DATA = Path(__file__).parent / "data"


def load_rows(name: str) -> list[dict]:
    with open(DATA / name, newline="") as f:
        return list(csv.DictReader(f))


def template_name(row: dict) -> str:
    return "gemm" if row["dataflow"] == "gemm_nmk" else row["dataflow"]


def row_dims(row: dict) -> dict:
    if row["layer_type"] == "GEMM":
        return {"M": int(row["gemm_M"]), "N": int(row["gemm_N"]), "K": int(row["gemm_K"])}
    return {k: int(row[k]) for k in "KCRSYX"}


def group_arrays(rows: list[dict]):
    """Group rows by (template, layer type); yield (program, layers, numbers, hw, rows): `Program` (no case
    space), `Layers` [n], numbers [n, slots], `Hardware` [n]."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((template_name(r), r["layer_type"]), []).append(r)
    for (df, op), rs in sorted(groups.items()):
        dims = [row_dims(r) for r in rs]
        stride = [int(r["stride"] or 1) for r in rs]
        layers = {
            k: np.array([d.get(k, 1) for d in dims], np.int64) for k in ("K", "C", "R", "S", "Y", "X", "N", "M")
        }
        layers["stride_y"] = layers["stride_x"] = np.array(stride, np.int64)
        one = np.ones(len(rs), np.int64)
        layers = Layers(op=one * OP_CODES[op], mask=one == 1, **layers)
        hw = Hardware(num_pes=np.array([int(r["num_pes"]) for r in rs], np.int64),
                      noc_bw=np.array([int(r["noc_bw_cstr"]) for r in rs], np.int64),
                      offchip_bw=np.array([int(r["offchip_bw_cstr"]) for r in rs], np.int64),
                      simd_lanes=one, noc_hops=one)
        numbers = resolve_numbers(TEMPLATES[df], dims)
        yield Program(TEMPLATES[df].structure, op, False), layers, numbers, hw, rs

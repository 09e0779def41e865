"""Hardware grids: the cross product of per-parameter value lists, from a YAML/JSON file or a dict.

A grid spec maps hardware parameters (`diffhw.hardware.HW_FIELDS`: num_pes, l1_size, l2_size, noc_bw,
offchip_bw, simd_lanes, noc_hops) to values; a parameter left out keeps MAESTRO's default
(`HardwareSpec`). Each value is one of

* a number: ``num_pes: 256``
* a list: ``num_pes: [64, 256, 1024]``
* a log-range: ``noc_bw: {logrange: [8, 512], num: 4}`` (``num`` values geometrically spaced between the
  bounds, rounded to integers, duplicates dropped; ``pow2: true`` rounds to powers of two instead)
* a linear range: ``simd_lanes: {range: [1, 9, 2]}`` (start, stop exclusive, step, like Python's range)

```yaml
# grid.yaml: 4 x 3 x 4 = 48 configs
num_pes: {logrange: [64, 4096], num: 4}
l1_size: 512
l2_size: [65536, 262144, 1048576]
noc_bw: {logrange: [8, 256], num: 4, pow2: true}
offchip_bw: 64
```

The product is ordered like nested loops in `HW_FIELDS` order (the last parameter varies fastest);
config i is named ``hw{i}``.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any, Mapping, Union

import numpy as np

from diffhw.hardware import HW_FIELDS, INT_MAX, HardwareSpec

__all__ = ["GridError", "expand_values", "load_grid", "grid_from_dict", "MAX_POINTS"]

#: Default limit on the configs of one grid (and the values of one parameter): 100,000 hardware points
#: x 1,000 models x 4 dataflows is 4e8 rows, as much as one run should write.
MAX_POINTS = 100_000


class GridError(ValueError):
    """A grid spec that cannot be expanded; the message names the parameter and the fix."""


def expand_values(name: str, value: Any, max_points: int = MAX_POINTS) -> list[int]:
    """The integer values of one grid parameter (see the module docstring for the accepted forms)."""

    def as_int(v) -> int:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v != int(v):
            raise GridError(f"hardware grid: {name}: {v!r} is not an integer")
        if abs(v) > INT_MAX:
            raise GridError(f"hardware grid: {name}: {v!r} is out of range: MAESTRO's values are 32-bit, at "
                            f"most {INT_MAX:,}")
        return int(v)

    def count_ok(n: int, what: str) -> None:
        if n > max_points:
            raise GridError(f"hardware grid: {name}: {what} gives {n:,} values, more than the limit of "
                            f"{max_points:,}; use fewer values or raise the limit (--max-hw)")

    if isinstance(value, Mapping):
        keys = set(value)
        if "logrange" in value:
            if keys - {"logrange", "num", "pow2"}:
                raise GridError(f"hardware grid: {name}: unknown keys {sorted(keys - {'logrange', 'num', 'pow2'})}"
                                " (a log-range takes logrange: [lo, hi], num: N, pow2: true|false)")
            bounds = value["logrange"]
            if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
                raise GridError(f"hardware grid: {name}: logrange needs [lo, hi], got {bounds!r}")
            lo, hi = (as_int(b) for b in bounds)
            num = as_int(value.get("num", 0))
            count_ok(num, "logrange")
            if lo < 1 or hi < lo or num < 1:
                raise GridError(f"hardware grid: {name}: logrange needs 1 <= lo <= hi and num >= 1 "
                                f"(got lo={lo}, hi={hi}, num={num})")
            pts = np.geomspace(lo, hi, num) if num > 1 else np.array([float(lo)])
            if value.get("pow2", False):
                vals = [1 << int(round(math.log2(p))) for p in pts]
            else:
                vals = [int(round(p)) for p in pts]
            return list(dict.fromkeys(vals))
        if "range" in value:
            if keys != {"range"}:
                raise GridError(f"hardware grid: {name}: a range takes only range: [start, stop, step]")
            args = [as_int(a) for a in value["range"]]
            if not 1 <= len(args) <= 3 or (len(args) == 3 and args[2] == 0):
                raise GridError(f"hardware grid: {name}: range needs [start, stop] or [start, stop, step != 0]")
            if len(args) == 3 and args[2] == 0:
                raise GridError(f"hardware grid: {name}: range needs [start, stop] or [start, stop, step != 0]")
            count_ok(len(range(*args)), f"range {value['range']!r}")
            vals = list(range(*args))
            if not vals:
                raise GridError(f"hardware grid: {name}: range {value['range']!r} is empty")
            return vals
        raise GridError(f"hardware grid: {name}: a mapping value needs a 'logrange' or 'range' key, "
                        f"got {sorted(keys)}")
    if isinstance(value, (list, tuple)):
        if not value:
            raise GridError(f"hardware grid: {name}: empty list")
        count_ok(len(value), "the list")
        return list(dict.fromkeys(as_int(v) for v in value))
    return [as_int(value)]


def grid_from_dict(spec: Mapping[str, Any], max_points: int = MAX_POINTS) -> list[HardwareSpec]:
    """Expand a grid spec (a dict as in the module docstring) into hardware configs, `hw0`, `hw1`, ...;
    a grid of more than `max_points` configs is refused before anything is allocated."""
    if not isinstance(spec, Mapping) or not spec:
        raise GridError("hardware grid: expected a mapping of hardware parameters to values "
                        f"({', '.join(HW_FIELDS)})")
    unknown = [k for k in spec if k not in HW_FIELDS]
    if unknown:
        raise GridError(f"hardware grid: unknown parameter(s) {', '.join(map(str, unknown))}; "
                        f"use {', '.join(HW_FIELDS)}")
    names = [f for f in HW_FIELDS if f in spec]
    values = [expand_values(f, spec[f], max_points) for f in names]
    size = math.prod(len(v) for v in values)
    if size > max_points:
        raise GridError(f"hardware grid: {' x '.join(str(len(v)) for v in values)} = {size:,} configs, more "
                        f"than the limit of {max_points:,}; use fewer values or raise the limit (--max-hw)")
    for f, vals in zip(names, values):
        low = 0 if f == "noc_hops" else 1
        bad = [v for v in vals if v < low]
        if bad:
            raise GridError(f"hardware grid: {f} must be >= {low} (MAESTRO crashes or misbehaves), got {bad}")
    out = []
    for i, combo in enumerate(itertools.product(*values)):
        out.append(HardwareSpec(**dict(zip(names, combo)), name=f"hw{i}"))
    return out


def load_grid(spec: Union[str, Path, Mapping[str, Any]], max_points: int = MAX_POINTS) -> list[HardwareSpec]:
    """Hardware configs of a grid spec given as a dict or as a .yaml/.yml (needs PyYAML) or .json file."""
    if isinstance(spec, Mapping):
        return grid_from_dict(spec, max_points)
    path = Path(spec)
    try:
        text = path.read_text()
    except OSError as e:
        raise GridError(f"hardware grid {path}: cannot read: {e.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise GridError(f"hardware grid {path}:{e.lineno}: invalid JSON: {e.msg}") from None
    else:
        try:
            import yaml
        except ImportError:
            raise GridError(f"hardware grid {path}: reading YAML needs PyYAML (pip install pyyaml), or write "
                            "the grid as a .json file") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise GridError(f"hardware grid {path}: invalid YAML: {e}") from None
    if isinstance(data, Mapping) and "hardware" in data and isinstance(data["hardware"], Mapping):
        data = data["hardware"]  # allow the grid under a 'hardware:' key of a larger experiment config
    try:
        return grid_from_dict(data, max_points)
    except GridError as e:
        raise GridError(f"{path}: {e}") from None

"""The (layer, hardware) pairs of an evaluation: every layer x every hardware spec, validated the way MAESTRO
should have (`diffhw.validation`), the valid ones grouped by program family (`group_programs`) as arrays.
Imports no JAX, so the CLI can read and group its inputs while JAX is still being imported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from diffhw.dataflow import Dataflow, resolve_numbers
from diffhw.errors import InputError
from diffhw.hardware import Hardware, HardwareSpec
from diffhw.layers import Layers, LayerSpec, take
from diffhw.program import Program, group_programs
from diffhw.validation import check_pair


@dataclass(frozen=True)
class Group:
    """The valid items of one layer list that share a program family (no case space yet): their arrays
    (`layers` [B], resolved number slots `numbers` [B, n], `hw` [B]) and their indices in the list's
    layers x hardware cross product."""

    program: Program
    layers: Layers  # [B]
    numbers: np.ndarray  # [B, n]
    hw: Hardware  # [B]
    items: tuple[int, ...] = ()

    def take(self, index) -> tuple[Layers, np.ndarray, Hardware]:
        """The group's arrays gathered at `index` (for padding or replication)."""
        return take(self.layers, index), self.numbers[index], take(self.hw, index)


def prepare(layers: Sequence[LayerSpec], hardware: Sequence[HardwareSpec],
            dataflow: Optional[Dataflow] = None):
    """Validate the cross product layers x hardware and group the valid items by program.
    Returns (items, groups, errors); items are (layer index, hw index), layer-major."""
    items = [(i, j) for i in range(len(layers)) for j in range(len(hardware))]
    errors: list[InputError] = []
    valid, programs = [], []
    for idx, (i, j) in enumerate(items):
        lay, hw = layers[i], hardware[j]
        df = dataflow or lay.dataflow
        err = check_pair(lay, hw, df, filter_larger_than_input=True)
        if err is not None:
            errors.append(err)
            continue
        valid.append(idx)
        programs.append(Program.of(lay, df))
    groups = []
    for program, members in group_programs(programs).items():
        idxs = [valid[k] for k in members]
        specs = [layers[items[k][0]] for k in idxs]
        numbers = np.stack([resolve_numbers(dataflow or s.dataflow, [s.input_dims()])[0] for s in specs])
        groups.append(Group(program, Layers.from_specs(specs), numbers,
                            Hardware.from_specs([hardware[items[k][1]] for k in idxs]), items=tuple(idxs)))
    return items, groups, errors

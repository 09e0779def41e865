"""MAESTRO files of a design: hw.m, the model file and the mapping file(s) (each layer with its Dataflow).

The text writers themselves (`write_hw`, `write_model`) live in `diffhw.frontends.maestro` beside the parsers
they round-trip with; this module decides what goes into which file for a co-design run directory
(`export_maestro`) and for an export bundle's ``maestro/`` folder (`maestro_texts`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from diffhw.frontends.maestro import write_hw, write_model
from diffhw.hardware import HardwareSpec
from diffhw.layers import Network

__all__ = ["mapping_files", "export_maestro", "maestro_texts", "file_safe"]


def file_safe(name: str) -> str:
    """`name` as a MAESTRO network name / file stem: letters, digits, ``_`` and ``.`` only."""
    return re.sub(r"[^A-Za-z0-9_.]", "_", name) or "net"


def mapping_files(problem) -> list[str]:
    """Mapping file names of a co-design `Problem`: mapping.m for one network, mapping_<i>_<name>.m for several."""
    if len(problem.networks) == 1:
        return ["mapping.m"]
    return [f"mapping_{i}_{n}.m" for i, (n, _, _) in enumerate(problem.networks)]


def export_maestro(out_dir, problem, design) -> list[Path]:
    """hw.m and the mapping file(s) of a co-design `Design` of `problem` in `out_dir` (each layer with its
    template's Dataflow block, its tile sizes written in when the design has them). Returns the paths."""
    from diffhw.optimize.tiles import tiled_dataflow

    out_dir = Path(out_dir)
    paths = [out_dir / "hw.m"]
    paths[0].write_text(write_hw(design.hw))
    for m, (fname, (name, specs, _), row) in enumerate(zip(mapping_files(problem), problem.networks,
                                                           design.dataflows)):
        layers = tuple(replace(s, dataflow=tiled_dataflow(t, design.tiles[m][i] if design.tiles else ()))
                       for i, (s, t) in enumerate(zip(specs, row)))
        p = out_dir / fname
        p.write_text(write_model(Network(file_safe(name), layers), with_dataflow=True))
        paths.append(p)
    return paths


def maestro_texts(network: Network, hw: HardwareSpec) -> dict[str, str]:
    """{file name: text} of a bundle's maestro/ folder: model.m (layers only), mapping.m (layers with their
    dataflows, as `network` carries them) and hw.m."""
    net = Network(file_safe(network.name), network.layers, network.source)
    return {"model.m": write_model(net, with_dataflow=False), "mapping.m": write_model(net, with_dataflow=True),
            "hw.m": write_hw(hw)}

"""Random edge-case layers as mapping files, to compare diffhw with the MAESTRO binary where it is fragile:
small maps (Y, X down to 1), filters larger than the input, strides up to 8, NGCONV/TRCONV, names with '-',
under MAESTRO's dataflow templates (os ws rs dla; dpt for DSCONV).

    python experiments/reference/make_edge_layers.py --out /tmp/edge --layers 60 --seed 0
    python experiments/reference/maestro_repo.py --mapping /tmp/edge/*.m --hw hw.m --pes 16 64 256
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from diffhw.dataflow import TEMPLATES


def layer_text(rng, i: int, template: str) -> str:
    r = int(rng.choice([1, 3, 5, 7]))
    s = r if rng.random() < 0.8 else int(rng.choice([1, 3, 5]))
    y = int(rng.integers(1, 16))
    x = y if rng.random() < 0.7 else int(rng.integers(1, 16))
    st = int(rng.choice([1, 1, 1, 2, 2, 3, 4, 8]))
    k, c = int(rng.choice([1, 3, 8, 16, 32, 64])), int(rng.choice([1, 3, 8, 16, 32, 64]))
    if template == "dpt":
        typ, dims = "DSCONV", f"K: 1, C: {c}"
    else:
        typ = str(rng.choice(["CONV", "CONV", "CONV", "NGCONV", "TRCONV"]))
        dims = (f"G: {int(rng.choice([2, 4, 32]))}, " if typ == "NGCONV" else "") + f"K: {k}, C: {c}"
    name = f"Conv2d-{i}" if rng.random() < 0.5 else f"layer_{i}"
    return (f"Layer {name} {{\nType: {typ}\nStride {{ X: {st}, Y: {st} }}\n"
            f"Dimensions {{ {dims}, R: {r}, S: {s}, Y: {y}, X: {x} }}\n{TEMPLATES[template].to_text()}\n}}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=60, help="layers per template file")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for template in ("os", "ws", "rs", "dla", "dpt"):
        body = "\n".join(layer_text(rng, i, template) for i in range(args.layers))
        (out / f"edge_{args.seed}__{template}.m").write_text(f"Network edge_{template} {{\n{body}\n}}\n")
    print(f"5 files of {args.layers} layers -> {out}")


if __name__ == "__main__":
    main()

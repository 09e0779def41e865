"""`diffhw layers`: the MAC layers of a model as a CSV table or a MAESTRO model file.

    diffhw layers MODEL [--input-shape 1,3,224,224] [--convention padded|maestro] [--format csv|maestro]
                  [--out FILE]
"""

from __future__ import annotations

import csv
import sys

from diffhw.cli.common import load_graph, model_options
from diffhw.outputs import check_file, write_file


def layers_text(graph, convention: str, fmt: str) -> str:
    """The layer table of `graph` as CSV (one row per MAC node, then a total row: MACs of the rows, params
    of the whole graph incl. norms and embeddings) or as a MAESTRO model file."""
    import io

    from diffhw.frontends.graph import TABLE_COLUMNS
    from diffhw.frontends.maestro import write_model

    if fmt == "maestro":
        return write_model(graph.to_network(convention), with_dataflow=False)
    rows = graph.table(convention)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TABLE_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    w.writerow({"name": "total", "macs": sum(r["macs"] for r in rows), "params": graph.params(),
                "repeat": sum(r["repeat"] for r in rows)})
    return buf.getvalue()


def cmd_layers(args) -> int:
    if args.out:
        check_file(args.out, args.force)  # before loading: a bad --out must not cost the work
    graph, errors = load_graph(args.model, args.input_shape, args.convention)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if graph is None:
        return 2
    layers = graph.mac_layers(args.convention)
    if not layers:
        print(f"error: {args.model}: the model has no MAC layers (conv, linear, matmul), so there is nothing to "
              "write. Fix: check that this is the model you meant (ops without a layer are listed above)",
              file=sys.stderr)
        return 1
    text = layers_text(graph, args.convention, args.format)
    if args.out:
        write_file(args.out, text, args.force)
        macs = sum(spec.num_macs() * rep for _, spec, rep in layers)
        print(f"wrote {len(layers)} MAC nodes of {graph.name} ({macs:,} MACs in the {args.convention} convention, "
              f"{graph.params():,} params) to {args.out}")
    else:
        sys.stdout.write(text)
    return 0



def add_parser(sub) -> None:
    la = sub.add_parser("layers", help="the MAC layers of a model (zoo name, .onnx, .m, package.module:fn)")
    la.add_argument("model", metavar="MODEL",
                    help="zoo name (e.g. resnet50), .onnx file, MAESTRO .m file, or PyTorch factory pkg.mod:fn")
    model_options(la)
    la.add_argument("--format", choices=("csv", "maestro"), default="csv", help="CSV table or MAESTRO model file")
    la.add_argument("--out", help="write here instead of stdout")
    la.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    la.set_defaults(func=cmd_layers)

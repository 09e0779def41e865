"""`diffhw export`: a chosen design as files other tools run (`diffhw.exporters`).

    diffhw export RUN_DIR --out BUNDLE                       a `diffhw codesign` run directory
    diffhw export MODEL --hw HW.m --dataflow NAME|FILE [--input-shape 1,3,224,224] --out BUNDLE
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import warnings
from pathlib import Path

from diffhw.cli.common import input_shape_arg


def cmd_export(args) -> int:
    from diffhw.outputs import check_dir

    check_dir(args.out)
    missing = [m for m in ("onnx", "onnxruntime") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"error: diffhw export needs {' and '.join(missing)}: pip install 'diffhw[export]'", file=sys.stderr)
        return 2
    run = Path(args.source).is_dir()
    if run and (args.hw or args.dataflow or args.input_shape):
        print(f"error: {args.source} is a codesign run directory: it fixes the hardware, dataflows and input "
              "shape (drop --hw, --dataflow and --input-shape)", file=sys.stderr)
        return 2
    if not run and not (args.hw and args.dataflow):
        print(f"error: {args.source!r} is not a run directory: a MODEL needs --hw HW.m and --dataflow NAME|FILE "
              "(or give the --out folder of a finished `diffhw codesign` run)", file=sys.stderr)
        return 2
    from diffhw.exporters import ExportOptions, export_bundle, from_model, from_run

    logging.getLogger("torch").setLevel(logging.ERROR)  # torch.onnx's notes on optional packages
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        design = from_run(args.source) if run else from_model(args.source, args.hw, args.dataflow,
                                                                 args.input_shape)
        opts = ExportOptions(host=args.host, allocation=args.allocation, calibration=args.calibration,
                             labels=args.labels, calibration_method=args.calibration_method, target=args.target,
                             seed=args.seed)
        doc = export_bundle(design, args.out, opts)
    t, q, a = doc["totals"], doc["int8"], doc["allocation"]
    print(f"exported {doc['network']}: {len(doc['layers'])} layers on num_pes={doc['hardware']['num_pes']} "
          f"l1={doc['hardware']['l1_size']} l2={doc['hardware']['l2_size']}")
    print(f"latency {t['latency_cycles']:,} cycles, energy {t['energy']:.6g}, edp {t['edp']:.6g}, area "
          f"{t['area']:.6g}, power {t['power']:.6g}")
    print(f"model.onnx: {doc['onnx']['note']}")
    print(f"model.int8.onnx ({q['method']}): max |int8 - float| {q['max_abs_diff']:.4g} on {q['heldout_inputs']} "
          f"held-out inputs (float max {q['max_abs_float']:.4g})" +
          (f"; top-1 accuracy float {q['accuracy_float']:.3f}, int8 {q['accuracy_int8']:.3f}"
           if q.get("accuracy_int8") is not None else ""))
    print("allocation: " + ", ".join(f"{n} nodes on {d}" for d, n in a["nodes_per_device"].items()) +
          f"; {a['subgraphs']} subgraphs, chained max abs diff {a['chain_max_abs_diff']:.3g}")
    for name, why in (doc.get("target") or {}).get("host_layers", {}).items():
        print(f"note: {args.target}: layer {name} runs on the host: {why}")
    for p in t["problems"]:
        print(f"warning: the design is infeasible: {p}", file=sys.stderr)
    print(f"files in {args.out}/: design.json, maestro/, model.onnx, model.int8.onnx, allocation.json, "
          f"subgraphs/, timeloop/, report.md")
    return 0


def add_parser(sub) -> None:
    from diffhw.exporters.allocation import DEFAULT_HOST
    from diffhw.exporters.onnx import CALIBRATION_METHODS
    from diffhw.exporters.targets import TARGETS

    e = sub.add_parser("export", help="a chosen design as files other tools run (MAESTRO, ONNX, int8 ONNX, "
                                      "allocation, subgraphs, Timeloop, report)")
    e.add_argument("source", metavar="RUN_DIR|MODEL",
                   help="a `diffhw codesign` run directory, or a MODEL (zoo name, .onnx, .m, pkg.mod:fn)")
    e.add_argument("--out", required=True, metavar="BUNDLE", help="the bundle folder to create (must not exist)")
    e.add_argument("--hw", metavar="HW.m", help="MAESTRO hardware file (with a MODEL)")
    e.add_argument("--dataflow", metavar="NAME|FILE", help="template (os ws rs dla) or dataflow file (with a "
                   "MODEL; DSCONV layers take dpt, GEMM layers gemm)")
    e.add_argument("--input-shape", type=input_shape_arg, help="input shape of a MODEL, e.g. 1,3,224,224")
    e.add_argument("--host", default=DEFAULT_HOST, help=f"device of the nodes the accelerator does not run "
                   f"(default {DEFAULT_HOST})")
    e.add_argument("--allocation", metavar="FILE", help='JSON {"<onnx node>": "DEVICE:index"} overriding nodes')
    e.add_argument("--calibration", metavar="NPY|DIR", help="int8 calibration inputs: a .npy file or a folder of "
                   "them (default: seeded random inputs)")
    e.add_argument("--labels", metavar="NPY", help="integer class per calibration sample: the report gives the "
                   "int8 accuracy drop on the held-out ones")
    e.add_argument("--calibration-method", choices=CALIBRATION_METHODS, default="minmax")
    e.add_argument("--target", choices=sorted(TARGETS), help="check a device's limits per layer (layers it "
                   "cannot run go to the host)")
    e.add_argument("--seed", type=int, default=0, help="seed of random inputs")
    e.set_defaults(func=cmd_export)

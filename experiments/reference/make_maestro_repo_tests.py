"""Write tests/data/maestro_repo/: small mapping files cut from MAESTRO's own repository (one per layer class
diffhw must evaluate, or refuse, as MAESTRO does) and MAESTRO's output on them (expected.csv).

    python experiments/reference/make_maestro_repo_tests.py --maestro /tmp/maestro/maestro --repo /tmp/maestro

Each case file is run once per hardware file (`accelerator_1.m` of the repository, and the same with 64 PEs);
expected.csv holds, per (case, hw), the exit status and MAESTRO's CSV row of every layer (empty when it fails).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from maestro_repo import CSV_COLUMNS, make_hw, run_binary, split_layers  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "maestro_repo"

#: case -> (repository mapping file, layer names): what MAESTRO evaluates or where it stops.
CASES = {
    "googlenet_dash_names": ("googlenet_kcp_ws.m", ["Conv2d-1", "Conv2d-2", "Linear-64"]),
    "resnext50_ngconv": ("ResNeXt50_kcp_ws.m", ["CONV2_1_1", "CONV2_1_2", "CONV4_1_2"]),
    "resnext50_ngconv_os": ("ResNeXt50_yxp_os.m", ["CONV2_1_2", "CONV3_1_2"]),
    "unet_trconv": ("UNet_kcp_ws.m", ["TRCONV1", "TRCONV4"]),
    "resnet50_rs_mapped_twice": ("Resnet50_rs.m", ["CONV1", "CONV2_1_1"]),
    "unet_rs_n_twice": ("UNet_RS.m", ["CONV3_2"]),
    "resnext50_fc_zero_macs": ("ResNeXt50_yxp_os.m", ["FC1000"]),
    "vgg16_rs_sigfpe": ("vgg16_rs.m", ["CONV1"]),
    "resnet50_rs_sigfpe": ("Resnet50_rs.m", ["CONV3_1_2"]),
    "unet_rs_trconv_sigfpe": ("UNet_RS.m", ["TRCONV1"]),
}

OS = """Dataflow {
TemporalMap(16,16) K; SpatialMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(1,1) C; Cluster(16, P);
SpatialMap(1,1) K; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(S),1) X; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}"""
WS = """Dataflow {
SpatialMap(1,1) X; TemporalMap(1,1) K; TemporalMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}"""

#: cases written here (not from the repository): MAESTRO's own dataflow templates on edge layers
EDGE = {
    "edge_filter_larger_than_input": [("y2r3_os", 2, 3, 1, OS), ("y4r5s2_os", 4, 5, 2, OS), ("y3r7_ws", 3, 7, 1, WS),
                                      ("y4r5_ws_dw", 4, 5, 1, WS)],
    "edge_stride_larger_than_tile": [("y5r3s8_os", 5, 3, 8, OS)],
}


#: MAESTRO counts a case's occurrences in an int: K*C*Y' above 2^31-1 wraps (to a positive count: its numbers
#: with it; to a negative one: an assertion failure)
WRAP = """Network wrap {{
Layer {name} {{
Type: CONV
Dimensions {{ {dims}, R: 3, S: 3, X: 5 }}
Dataflow {{
SpatialMap(1,1) X; TemporalMap(1,1) K; TemporalMap(1,1) C; TemporalMap(Sz(R),1) Y; TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}}
}}
}}
"""
RAW = {"edge_count_wraps": WRAP.format(name="wraps", dims="K: 4, C: 2, Y: 2147483647"),
       "edge_count_wraps_negative": WRAP.format(name="aborts", dims="K: 70000, C: 70000, Y: 1002")}


def edge_text(layers) -> str:
    body = []
    for name, y, r, st, df in layers:
        typ, k = ("DSCONV", 1) if name.endswith("_dw") else ("CONV", 16)
        body.append(f"Layer {name} {{\nType: {typ}\nStride {{ X: {st}, Y: {st} }}\nDimensions {{ K: {k}, C: 8, "
                    f"R: {r}, S: {r}, Y: {y}, X: {y} }}\n{df}\n}}")
    return "Network edge {\n" + "\n".join(body) + "\n}\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maestro", default="/tmp/maestro/maestro")
    ap.add_argument("--repo", default="/tmp/maestro")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    base = Path(args.repo, "data", "hw", "accelerator_1.m").read_text()
    hws = {"accelerator_1": base, "pe64": make_hw(base, 64)}
    for name, text in hws.items():
        (OUT / f"{name}.m").write_text(text)
    texts = {}
    for case, (src, names) in CASES.items():
        constants, layers = split_layers(Path(args.repo, "data", "mapping", src).read_text())
        picked = [next(l for l in layers if l["name"] == n) for n in names]
        texts[case] = (f"// cut from maestro-project/maestro (commit 4eb08d1) data/mapping/{src}\n{constants}\n"
                       f"Network {Path(src).stem} {{\n" + "\n".join(l["text"] for l in picked) + "\n}\n")
    texts.update({case: edge_text(layers) for case, layers in EDGE.items()})
    texts.update(RAW)
    rows = []
    for case, text in texts.items():
        (OUT / f"{case}.m").write_text(text)
        n = len(split_layers(text)[1])
        for hw_name, hw_text in hws.items():
            rc, out_rows, _ = run_binary(args.maestro, text, hw_text)
            for i in range(n):
                row = out_rows[i] if rc == 0 and i < len(out_rows) else {}
                rows.append({"case": case, "hw": hw_name, "index": i, "rc": rc,
                             **{k: row.get(c, "") for c, k in CSV_COLUMNS.items()}})
    with open(OUT / "expected.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["case", "hw", "index", "rc", *CSV_COLUMNS.values()])
        w.writeheader()
        w.writerows(rows)
    print(f"{len(texts)} cases, {len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()

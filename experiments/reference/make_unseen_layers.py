#!/usr/bin/env python3
"""Write the MAESTRO model and mapping files of the unseen reference set.

Only writes text files in MAESTRO's DFSL format (it never calls or builds MAESTRO).  The reference numbers
in tests/data/unseen.csv were then produced by running the real MAESTRO binary on the mapping files
written here, with the 7 hardware files of tests/data/dev/hw/, exactly as for the dev set
(tests/data/dev.csv, see ../shared/maestro-reference/README.md).

Layer sets (Y, X = unpadded input size, the convention of MAESTRO's PyTorch frontend; FC layers are
`CONV` 1x1 on a 1x1 input without a `Stride` line):

* resnet50  torchvision ResNet-50 (v1.5: stride on the 3x3 conv), 53 convs (incl. 4 downsample 1x1) + fc
            = 54 layers, names follow torchvision modules (layer2_0_conv2, layer2_0_downsample, fc).
* alexnet   torchvision AlexNet, 5 convs + 3 fc = 8 layers (features<i>, classifier<i>).
* random_unseen  100 random specs with seed 12345, the recipe of the dev set's random layers:
            50 CONV (K 4-512, C 3-512 log-uniform, R=S in {1,3,5,7}, 10 % R != S, 25 % stride 2,
            Y 7-112 log-uniform, 20 % X != Y), 25 DSCONV (C 8-960 log-uniform, R=S in {3,5,7},
            30 % stride 2, Y 7-112), 25 GEMMs (M 1-512, N 16-4096, K 16-4096, log-uniform), each GEMM
            written twice: as CONV (K<-N, C<-K, Y<-M, X=R=S=1, name rgemmNNN_conv) and as native
            `Type: GEMM` (rgemmNNN_gemm) -> 125 layers.

Mapping files: `<set>__<dataflow>.m` = the model file with the dataflow template text (tests/data/dev/
dataflows/<dataflow>.m, copied verbatim) inserted after each applicable layer's Dimensions line.
Applicability (as in the dev set; os/rs/dla crash on DSCONV in MAESTRO):
os, rs, dla -> CONV; ws -> CONV and DSCONV; dpt -> DSCONV; gemm_nmk -> GEMM.

Usage:
  python experiments/reference/make_unseen_layers.py            # writes tests/data/unseen/{models,mappings}
  python experiments/reference/make_unseen_layers.py --check-dev
      # regenerates the dev mapping files from tests/data/dev/models and compares them byte for byte
"""
import argparse
import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
DATAFLOW_DIR = os.path.join(DATA, "dev", "dataflows")

DATAFLOWS = ("os", "ws", "rs", "dla", "dpt", "gemm_nmk")
APPLIES = {"os": {"CONV"}, "ws": {"CONV", "DSCONV"}, "rs": {"CONV"}, "dla": {"CONV"},
           "dpt": {"DSCONV"}, "gemm_nmk": {"GEMM"}}


# ---------------------------------------------------------------------------------------------------
# layer records: dict(name, type, stride (int or None = no Stride line), dims (ordered dict))

def conv(name, K, C, R, S, Y, X, stride=1, typ="CONV"):
    return {"name": name, "type": typ, "stride": stride,
            "dims": {"K": K, "C": C, "R": R, "S": S, "Y": Y, "X": X}}


def fc(name, K, C):
    return {"name": name, "type": "CONV", "stride": None,
            "dims": {"K": K, "C": C, "R": 1, "S": 1, "Y": 1, "X": 1}}


def gemm(name, M, N, K):
    return {"name": name, "type": "GEMM", "stride": None, "dims": {"K": K, "M": M, "N": N}}


def resnet50():
    """torchvision resnet50 (Bottleneck, layers [3, 4, 6, 3], stride in conv2, 224x224 input).

    Order = forward execution order (as the frontend's hooks see it): conv1, conv2, conv3, downsample."""
    L = [conv("conv1", 64, 3, 7, 7, 224, 224, 2)]
    inplanes, hw = 64, 56          # after the 3x3/2 max pool
    for li, (planes, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], 1):
        for b in range(blocks):
            s = stride if b == 0 else 1
            p = f"layer{li}_{b}_"
            L.append(conv(p + "conv1", planes, inplanes, 1, 1, hw, hw, 1))
            L.append(conv(p + "conv2", planes, planes, 3, 3, hw, hw, s))
            out_hw = hw // s
            L.append(conv(p + "conv3", planes * 4, planes, 1, 1, out_hw, out_hw, 1))
            if b == 0 and (s != 1 or inplanes != planes * 4):
                L.append(conv(p + "downsample", planes * 4, inplanes, 1, 1, hw, hw, s))
            inplanes, hw = planes * 4, out_hw
    L.append(fc("fc", 1000, 2048))
    assert len(L) == 54
    return L


def alexnet():
    """torchvision alexnet, 224x224 input (feature maps 55 -> pool 27 -> pool 13 -> pool 6)."""
    return [
        conv("features0", 64, 3, 11, 11, 224, 224, 4),
        conv("features3", 192, 64, 5, 5, 27, 27, 1),
        conv("features6", 384, 192, 3, 3, 13, 13, 1),
        conv("features8", 256, 384, 3, 3, 13, 13, 1),
        conv("features10", 256, 256, 3, 3, 13, 13, 1),
        fc("classifier1", 4096, 9216),
        fc("classifier4", 4096, 4096),
        fc("classifier6", 1000, 4096),
    ]


def _logu(rng, lo, hi):
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def random_layers(seed=12345, n_specs=100):
    """n_specs random specs: half CONV, a quarter DSCONV, a quarter GEMM (each GEMM -> 2 layers)."""
    rng = random.Random(seed)
    n_conv, n_dw = n_specs // 2, n_specs // 4
    n_gemm = n_specs - n_conv - n_dw
    convs, dws, gemms = [], [], []
    for i in range(n_conv):
        K = _logu(rng, 4, 512)
        C = _logu(rng, 3, 512)
        R = rng.choice([1, 3, 5, 7])
        S = R
        if rng.random() < 0.10:
            S = rng.choice([v for v in (1, 3, 5, 7) if v != R])
        stride = 2 if rng.random() < 0.25 else 1
        Y = _logu(rng, 7, 112)
        X = _logu(rng, 7, 112) if rng.random() < 0.20 else Y
        convs.append(conv(f"rconv{i:03d}", K, C, R, S, Y, X, stride))
    for i in range(n_dw):
        C = _logu(rng, 8, 960)
        R = rng.choice([3, 5, 7])
        stride = 2 if rng.random() < 0.30 else 1
        Y = _logu(rng, 7, 112)
        dws.append(conv(f"rdw{i:03d}", 1, C, R, R, Y, Y, stride, typ="DSCONV"))
    for i in range(n_gemm):
        M = _logu(rng, 1, 512)
        N = _logu(rng, 16, 4096)
        K = _logu(rng, 16, 4096)
        gemms.append({"name": f"rgemm{i:03d}_conv", "type": "CONV", "stride": None,
                      "dims": {"K": N, "C": K, "R": 1, "S": 1, "Y": M, "X": 1}})
        gemms.append(gemm(f"rgemm{i:03d}_gemm", M, N, K))
    for l in convs + dws:   # valid layers only (Y >= R, X >= S); holds by construction
        assert l["dims"]["Y"] >= l["dims"]["R"] and l["dims"]["X"] >= l["dims"]["S"]
    return convs + dws + gemms


# ---------------------------------------------------------------------------------------------------
# writing

def layer_lines(l):
    out = [f"Layer {l['name']} {{", f"Type: {l['type']}"]
    if l["stride"] is not None:
        out.append(f"Stride {{ X: {l['stride']}, Y: {l['stride']} }}")
    out.append("Dimensions { " + ", ".join(f"{k}: {v}" for k, v in l["dims"].items()) + " }")
    return out


def model_text(network, layers):
    lines = [f"Network {network} {{"]
    for l in layers:
        lines += layer_lines(l) + ["}"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def read_template(dataflow, dataflow_dir=DATAFLOW_DIR):
    with open(os.path.join(dataflow_dir, dataflow + ".m"), "rb") as f:
        return f.read().decode("utf-8")


def mapping_text_from_model(model, dataflow, dataflow_dir=DATAFLOW_DIR):
    """Insert the template after the Dimensions line of each applicable layer; drop the others.

    Works on the text of a model file as written by model_text (one directive per line)."""
    tmpl = read_template(dataflow, dataflow_dir)
    if not tmpl.endswith("\n"):
        tmpl += "\n"
    lines = model.split("\n")
    out, cur, typ = [], None, None
    for ln in lines:
        t = ln.strip()
        if cur is None:
            if t.startswith("Layer "):
                cur, typ = [ln], None
            else:
                out.append(ln)
            continue
        if t.startswith("Type"):
            typ = re.split(r"[\s:]+", t)[1]
        cur.append(ln)
        if t.startswith("Dimensions"):
            cur.append(tmpl.rstrip("\n"))
        if t == "}":
            if typ in APPLIES[dataflow]:
                out.extend(cur)
            cur = None
    return "\n".join(out)


def layer_types(layers):
    return {l["type"] for l in layers}


def write_set(network, layers, outdir):
    os.makedirs(os.path.join(outdir, "models"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "mappings"), exist_ok=True)
    model = model_text(network, layers)
    with open(os.path.join(outdir, "models", network + ".m"), "w") as f:
        f.write(model)
    written = []
    for df in DATAFLOWS:
        if not (APPLIES[df] & layer_types(layers)):
            continue
        path = os.path.join(outdir, "mappings", f"{network}__{df}.m")
        with open(path, "w", encoding="utf-8") as f:
            f.write(mapping_text_from_model(model, df))
        written.append(path)
    return written


def check_dev(devdir):
    """Regenerate the dev mapping files from the dev models and compare byte for byte."""
    ok = True
    n = 0
    for fn in sorted(os.listdir(os.path.join(devdir, "mappings"))):
        network, df = fn[:-2].split("__")
        with open(os.path.join(devdir, "models", network + ".m"), encoding="utf-8") as f:
            model = f.read()
        mine = mapping_text_from_model(model, df, os.path.join(devdir, "dataflows"))
        with open(os.path.join(devdir, "mappings", fn), encoding="utf-8") as f:
            ref = f.read()
        n += 1
        if mine != ref:
            ok = False
            print("DIFFERS:", fn)
    print(f"checked {n} dev mapping files: {'all identical' if ok else 'DIFFERENCES'}")
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(DATA, "unseen"))
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--n-specs", type=int, default=100)
    ap.add_argument("--check-dev", action="store_true")
    a = ap.parse_args(argv)
    if a.check_dev:
        return 0 if check_dev(os.path.join(DATA, "dev")) else 1
    sets = [("resnet50", resnet50()), ("alexnet", alexnet()),
            ("random_unseen", random_layers(a.seed, a.n_specs))]
    for network, layers in sets:
        for p in write_set(network, layers, a.out):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())

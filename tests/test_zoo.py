"""The zoo's MAC and parameter totals against the published figures, and MAESTRO's own model files.

Sources:
* torchvision, "Table of all available classification weights"
  (https://pytorch.org/vision/stable/models.html and each builder's page, e.g.
  https://pytorch.org/vision/stable/models/generated/torchvision.models.mobilenet_v3_large.html):
  ``num_params`` (exact) and ``GFLOPS`` (2 decimals). torchvision's "GFLOPS" are multiply-accumulates
  (GMACs) of the conv / linear / matmul ops only, at batch 1 and the default 224x224 input (ViT-B/16's
  17.56 includes the attention matmuls Q K^T and A V).
* Paper / model-card cross-checks at their own precision: MobileNetV2 300M MACs (Sandler et al. 2018,
  Table 4), MobileNetV3-Large 217M MACs (Keras applications table for mobilenet_v3_large_1.0_224),
  EfficientNet-B0 0.39B FLOPs (Tan & Le 2019, Table 2; MACs in their convention), BERT-base 110M params
  (Devlin et al. 2019; Hugging Face ``BertModel`` bert-base-uncased has exactly 109,482,240 incl. the
  token embeddings, position/token-type embeddings, LayerNorms and the pooler, which is what we count).

Exactness: the parameter counts are equal to the digit. The MAC totals equal the published (rounded)
figures: our exact counts are given below and differ from the published value only by its rounding. Non-MAC
work (BN, activations, pooling, residual adds, SE scaling, softmax) is not counted, as in the published
figures; padding MACs are counted, as in torchvision's counts. Where no figure is published to the unit
(MobileNetV3-Large, EfficientNet-B0), the exact counts are checked against torch's FlopCounterMode, layer by
layer, on independently written torch twins of every zoo network (tests/test_zoo_torch_twins.py, when torch is
installed).
"""

from pathlib import Path

import pytest

from diffhw.frontends import zoo
from diffhw.frontends.graph import Graph
from diffhw.frontends.maestro import parse_model, write_model

REF = Path(__file__).parent / "data" / "dev" / "models"

# name: (torchvision num_params, torchvision GFLOPS (= GMACs), our exact MAC count at 1x3x224x224, pinned
# against regressions; it rounds to the published figure)
PUBLISHED = {
    "vgg16": (138_357_544, 15.47, 15_470_264_320),
    "resnet18": (11_689_512, 1.81, 1_814_073_344),
    "resnet50": (25_557_032, 4.09, 4_089_184_256),
    "mobilenet_v2": (3_504_872, 0.30, 300_774_272),
    "mobilenet_v3_large": (5_483_032, 0.22, 216_589_760),
    "efficientnet_b0": (5_288_548, 0.39, 385_814_752),
    "vit_b_16": (86_567_656, 17.56, 17_563_828_224),
}


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_params_and_macs(name):
    params, gmacs, exact = PUBLISHED[name]
    g = zoo.get(name)
    assert g.params() == params
    assert g.macs() == exact
    assert round(g.macs() / 1e9, 2) == gmacs


def test_paper_mac_figures():
    assert round(zoo.get("mobilenet_v2").macs() / 1e6, -1) == 300  # 300.8M
    assert round(zoo.get("mobilenet_v3_large").macs() / 1e6) == 217  # 216.6M
    assert round(zoo.get("efficientnet_b0").macs() / 1e9, 2) == 0.39  # 385.8M


def bert_macs(t, d=768, ff=3072, layers=12):
    """Analytic BERT-base MACs for sequence length t: per layer Q, K, V and output projections (4 t d^2),
    the feed-forward (2 t d ff), and the attention matmuls Q K^T and A V (2 t^2 d over 12 heads); plus the
    pooler (d^2). Embedding lookups are not MACs."""
    return layers * (4 * t * d * d + 2 * t * d * ff + 2 * t * t * d) + d * d


@pytest.mark.parametrize("seq_len", [128, 384])
def test_bert_base(seq_len):
    g = zoo.get("bert_base", seq_len=seq_len)
    assert g.params() == 109_482_240  # ~110M (Devlin et al.)
    assert g.macs() == bert_macs(seq_len)  # 11.17 GMACs at 128
    heads = [r for r in g.table() if r["name"].endswith(("scores", "context"))]
    assert len(heads) == 24 and all(r["repeat"] == 12 and r["type"] == "GEMM" for r in heads)
    assert {(r["M"], r["K"], r["N"]) for r in heads} == {(seq_len, 64, seq_len), (seq_len, seq_len, 64)}


def test_vit_attention_matmuls_counted():
    rows = zoo.get("vit_b_16").table()
    scores = [r for r in rows if r["name"].endswith("scores")]
    assert len(scores) == 12 and scores[0]["repeat"] == 12 and (scores[0]["M"], scores[0]["N"]) == (197, 197)


def layer_key(layer):
    """What the MAESTRO file fixes about a layer: type, dimensions, strides (default 1)."""
    return layer.op, dict(layer.dims), {"X": layer.stride.get("X", 1), "Y": layer.stride.get("Y", 1)}


@pytest.mark.parametrize("zoo_name, ref", [("vgg16", "vgg16"), ("mobilenet_v2", "mobilenetv2")])
def test_maestro_convention_reproduces_maestro_model_files(zoo_name, ref):
    """MAESTRO's frontend output for torchvision's VGG16 / MobileNetV2 (maestro-reference/inputs/models,
    copied to tests/data/dev/models): same layers, in order, with the same types, dimensions and
    strides (MAESTRO's files name layers conv1_1 / features1_dw ..., ours use torchvision module paths).
    No quirk needed: MobileNetV2's first block has no expansion conv, every depthwise conv is DSCONV with
    K 1, all inputs unpadded, and the classifier Linear is a 1x1 CONV on a 1x1 input without a Stride line."""
    expected, errors = parse_model(REF / f"{ref}.m")
    assert not errors
    ours = zoo.get(zoo_name).to_network("maestro")
    assert [layer_key(l) for l in ours.layers] == [layer_key(l) for l in expected.layers]
    assert [bool(l.stride) for l in ours.layers] == [bool(l.stride) for l in expected.layers]


@pytest.mark.parametrize("name", zoo.NAMES)
@pytest.mark.parametrize("convention", ["padded", "maestro"])
def test_written_model_files_parse_back(name, convention):
    net = zoo.get(name).to_network(convention)
    back, errors = parse_model(write_model(net, with_dataflow=False))
    assert errors == []
    assert [(l.name, layer_key(l)) for l in back.layers] == [(l.name, layer_key(l)) for l in net.layers]


def test_get_names_shapes_and_errors():
    assert zoo.get("MobileNet-V2").name == "mobilenet_v2" and zoo.canonical("ViT_B16") == "vit_b_16"
    one, two = zoo.get("resnet18"), zoo.get("resnet18", input_shape=(2, 3, 224, 224))
    assert two.macs() == 2 * one.macs() and two.params() == one.params()
    small = zoo.get("resnet18", input_shape=(1, 3, 112, 112))
    assert small.shape("layer4.1.relu") == (1, 512, 4, 4)
    assert zoo.get("bert_base", input_shape=(1, 64)).macs() == bert_macs(64)
    assert isinstance(zoo.get("vgg16", num_classes=10), Graph) and zoo.get("vgg16", num_classes=10).shape(
        "classifier.6") == (1, 10)
    with pytest.raises(ValueError, match="unknown zoo model 'alexnet'.*resnet50"):
        zoo.get("alexnet")
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        zoo.get("resnet50", input_shape=(1, 224, 224))
    with pytest.raises(ValueError, match="seq_len"):
        zoo.get("bert_base", seq_len=1024)

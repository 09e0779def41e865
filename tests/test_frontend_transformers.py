"""Optional lane (runs when `transformers` is installed): tiny configs of public model classes, built from
their configs (no download), count FlopCounterMode's MACs exactly on the PyTorch path and through
``torch.onnx.export`` (default exporter). The full-size measurement is experiments/frontends/hf_models.py."""

import warnings

import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
tf = pytest.importorskip("transformers")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from diffhw.frontends.onnx_graph import from_onnx  # noqa: E402
from diffhw.frontends.pytorch import from_torch  # noqa: E402

_VIT = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)
#: name -> (config, example input)
TINY = {
    "mobilenet_v2": (lambda: tf.MobileNetV2Config(depth_multiplier=0.35, image_size=64),
                     lambda: torch.zeros(1, 3, 65, 63)),  # odd sizes: TF-'same' pads differ per side
    "vit": (lambda: tf.ViTConfig(image_size=32, patch_size=8, **_VIT), lambda: torch.zeros(1, 3, 32, 32)),
    "swin": (lambda: tf.SwinConfig(image_size=60, patch_size=4, embed_dim=16, depths=[2, 2], num_heads=[2, 2],
                                   window_size=4), lambda: torch.zeros(1, 3, 60, 60)),  # window padding
    "mobilevit": (lambda: tf.MobileViTConfig(image_size=64, hidden_sizes=[32, 40, 48],
                                             neck_hidden_sizes=[8, 8, 16, 16, 24, 32, 64]),
                  lambda: torch.zeros(1, 3, 64, 64)),
    "gpt2": (lambda: tf.GPT2Config(n_embd=32, n_layer=2, n_head=2, vocab_size=100, n_positions=64),
             lambda: torch.zeros(1, 10, dtype=torch.long)),
    "wav2vec2": (lambda: tf.Wav2Vec2Config(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                           intermediate_size=64, conv_dim=(16, 16), conv_stride=(5, 2),
                                           conv_kernel=(10, 3), num_conv_pos_embeddings=16,
                                           num_conv_pos_embedding_groups=4),
                 lambda: torch.zeros(1, 400)),
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_transformers_models_match_flop_counter(name):
    config_fn, input_fn = TINY[name]
    config = config_fn()
    config.use_cache = False
    torch.manual_seed(0)
    model = tf.AutoModel.from_config(config, attn_implementation="eager").eval()
    args = (input_fn(),)
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(*args)
    ref = fc.get_total_flops() // 2
    assert ref > 0 and from_torch(model, args).macs() == ref
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = torch.onnx.export(model, args, verbose=False).model_proto
    assert from_onnx(proto).macs() == ref

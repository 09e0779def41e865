"""Total MACs of Hugging Face `transformers` model classes: FlopCounterMode vs the PyTorch and ONNX frontends.

    pip install transformers          # models built from their configs (no weights downloaded)
    python experiments/frontends/hf_models.py [NAME ...] [--exporter dynamo|torchscript] [--markdown]

For every model: the reference is ``torch.utils.flop_counter.FlopCounterMode`` (FLOPs / 2, attention
"eager"); the PyTorch path is `from_torch` on the same example inputs; the ONNX path is ``torch.onnx.export``
(the default dynamo exporter, or ``--exporter torchscript``) to a temporary file, then `from_onnx`. Prints one row per model with the relative
error of each path (``fail: ...`` when a path raises).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings

import torch
import transformers as tf
from torch.utils.flop_counter import FlopCounterMode

from diffhw.frontends.onnx_graph import from_onnx
from diffhw.frontends.pytorch import from_torch


def _image(size=224, channels=3):
    return (torch.zeros(1, channels, size, size),)


def _ids(n=32):
    return (torch.zeros(1, n, dtype=torch.long),)


def _audio(n=16000):
    return (torch.zeros(1, n),)


#: name -> (config factory, example inputs). Default configs except where noted (fewer layers/positions
#: only where a default model would take minutes to export on 2 cores; the kinds of layers are unchanged).
MODELS = {
    "mobilenet_v2": (lambda: tf.MobileNetV2Config(), _image()),                     # TF 'same' padding
    "mobilenet_v1": (lambda: tf.MobileNetV1Config(), _image()),                     # TF 'same' padding
    "efficientnet": (lambda: tf.EfficientNetConfig(), _image()),
    "resnet": (lambda: tf.ResNetConfig(), _image()),
    "convnext": (lambda: tf.ConvNextConfig(), _image()),
    "vit": (lambda: tf.ViTConfig(), _image()),
    "deit": (lambda: tf.DeiTConfig(), _image()),
    "swin": (lambda: tf.SwinConfig(), _image()),                                    # window attention
    "mobilevit": (lambda: tf.MobileViTConfig(), _image(256)),                       # mobile hybrid
    "segformer": (lambda: tf.SegformerConfig(), _image(128)),
    "gpt2": (lambda: tf.GPT2Config(n_layer=2), _ids()),                             # decoder blocks, Conv1D
    "bert": (lambda: tf.BertConfig(num_hidden_layers=2), _ids()),
    "llama": (lambda: tf.LlamaConfig(num_hidden_layers=2, hidden_size=256, intermediate_size=688,
                                     num_attention_heads=8, num_key_value_heads=2, vocab_size=1000), _ids()),
    "wav2vec2": (lambda: tf.Wav2Vec2Config(num_hidden_layers=2), _audio()),         # conv1d front end
    "hubert": (lambda: tf.HubertConfig(num_hidden_layers=2), _audio()),
    "mobilevitv2": (lambda: tf.MobileViTV2Config(), _image(256)),                   # unfold / fold
    "swinv2": (lambda: tf.Swinv2Config(), _image(256)),
    "beit": (lambda: tf.BeitConfig(num_hidden_layers=4), _image()),
    "levit": (lambda: tf.LevitConfig(), _image()),
    "poolformer": (lambda: tf.PoolFormerConfig(), _image()),
    "convnextv2": (lambda: tf.ConvNextV2Config(), _image()),
    "regnet": (lambda: tf.RegNetConfig(), _image()),
    "bit": (lambda: tf.BitConfig(), _image()),                                      # dynamic 'same' pads
    "cvt": (lambda: tf.CvtConfig(), _image()),
    "pvt": (lambda: tf.PvtConfig(), _image()),
    "focalnet": (lambda: tf.FocalNetConfig(), _image()),
    "dinov2": (lambda: tf.Dinov2Config(num_hidden_layers=4), _image()),
    "clip_vision": (lambda: tf.CLIPVisionConfig(num_hidden_layers=4), _image()),
    "data2vec_audio": (lambda: tf.Data2VecAudioConfig(num_hidden_layers=2), _audio()),
    "wavlm": (lambda: tf.WavLMConfig(num_hidden_layers=2), _audio()),
    "distilbert": (lambda: tf.DistilBertConfig(n_layers=2), _ids()),
    "qwen2": (lambda: tf.Qwen2Config(num_hidden_layers=2, hidden_size=256, intermediate_size=688,
                                     num_attention_heads=8, num_key_value_heads=2, vocab_size=1000), _ids()),
    "gpt_neox": (lambda: tf.GPTNeoXConfig(num_hidden_layers=2, hidden_size=256, intermediate_size=1024,
                                          num_attention_heads=8, vocab_size=1000), _ids()),
    "opt": (lambda: tf.OPTConfig(num_hidden_layers=2, vocab_size=1000), _ids()),
    "squeezebert": (lambda: tf.SqueezeBertConfig(num_hidden_layers=2), _ids()),     # conv1d attention
    "mobilebert": (lambda: tf.MobileBertConfig(num_hidden_layers=2), _ids()),
    "convbert": (lambda: tf.ConvBertConfig(num_hidden_layers=2), _ids()),           # separable conv1d
    "sew": (lambda: tf.SEWConfig(num_hidden_layers=2), _audio()),
    "unispeech": (lambda: tf.UniSpeechConfig(num_hidden_layers=2), _audio()),
    "wav2vec2_conformer": (lambda: tf.Wav2Vec2ConformerConfig(num_hidden_layers=2), _audio()),  # GLU conv
    "ast": (lambda: tf.ASTConfig(num_hidden_layers=2), (torch.zeros(1, 1024, 128),)),
    "swiftformer": (lambda: tf.SwiftFormerConfig(), _image()),
    "hiera": (lambda: tf.HieraConfig(), _image()),
    "glpn": (lambda: tf.GLPNConfig(), _image()),
    "yolos": (lambda: tf.YolosConfig(num_hidden_layers=2), _image(512)),
    "vitmae": (lambda: tf.ViTMAEConfig(num_hidden_layers=2), _image()),
    "dpt": (lambda: tf.DPTConfig(num_hidden_layers=4, backbone_out_indices=[0, 1, 2, 3]), _image(384)),
    "videomae": (lambda: tf.VideoMAEConfig(num_hidden_layers=2), (torch.zeros(1, 16, 3, 224, 224),)),  # conv3d
    "timesformer": (lambda: tf.TimesformerConfig(num_hidden_layers=2), (torch.zeros(1, 8, 3, 224, 224),)),
}


def reference_macs(model, args) -> int:
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(*args)
    return fc.get_total_flops() // 2


class _FirstOutput(torch.nn.Module):
    """The model's first output as a plain tensor (the TorchScript exporter cannot trace transformers'
    output classes and keyword handling)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *args):
        return self.model(*args)[0]


def onnx_macs(model, args, path, exporter: str) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open(os.devnull, "w") as null:
            old = sys.stdout
            sys.stdout = null
            try:
                if exporter == "dynamo":
                    torch.onnx.export(model, args, path)
                else:
                    torch.onnx.export(_FirstOutput(model), args, path, dynamo=False)
            finally:
                sys.stdout = old
    return from_onnx(path).macs()


def build(name):
    config_fn, args = MODELS[name]
    config = config_fn()
    config.use_cache = False  # no KV cache object in the outputs (torch.export cannot return it)
    model = tf.AutoModel.from_config(config, attn_implementation="eager").eval()
    return model, args


def measure(name, tmp, exporter):
    model, args = build(name)
    ref = reference_macs(model, args)
    row = {"model": f"{name} ({type(model).__name__})", "flop_counter": ref}
    for path, fn in (("torch", lambda: from_torch(model, args).macs()),
                     ("onnx", lambda: onnx_macs(model, args, os.path.join(tmp, f"{name}.onnx"), exporter))):
        t = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                macs = fn()
            row[path] = macs
            row[path + "_err"] = f"{(macs - ref) / ref * 100:+.3f} %"
        except Exception as e:  # noqa: BLE001 - report every failure in the table
            row[path] = "fail"
            row[path + "_err"] = f"{type(e).__name__}: {str(e).splitlines()[0][:150]}"
        row[path + "_s"] = time.perf_counter() - t
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(MODELS))
    ap.add_argument("--exporter", choices=("dynamo", "torchscript"), default="dynamo",
                    help="torch.onnx.export's default (dynamo) exporter, or the TorchScript one (dynamo=False)")
    ap.add_argument("--markdown", action="store_true", help="Markdown table rows (for docs/frontends.md)")
    args = ap.parse_args()
    torch.manual_seed(0)
    if args.markdown:
        print("| model | FlopCounterMode MACs | PyTorch path | rel. error | ONNX path | rel. error |")
        print("|---|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names:
            r = measure(name, tmp, args.exporter)
            fmt = lambda v: f"{v:,}" if isinstance(v, int) else v  # noqa: E731
            if args.markdown:
                print(f"| {r['model']} | {r['flop_counter']:,} | {fmt(r['torch'])} | {r['torch_err']} | "
                      f"{fmt(r['onnx'])} | {r['onnx_err']} |", flush=True)
            else:
                print(f"{r['model']:42s} {r['flop_counter']:>14,} | torch {fmt(r['torch']):>14} {r['torch_err']} "
                      f"({r['torch_s']:.1f} s) | onnx {fmt(r['onnx']):>14} {r['onnx_err']} ({r['onnx_s']:.1f} s)",
                      flush=True)


if __name__ == "__main__":
    main()

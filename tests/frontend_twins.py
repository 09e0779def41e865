"""Small PyTorch twins of the model kinds the frontends must count like `torch.utils.flop_counter`: eager
attention with dtype casts, dropout and assertions (ViT / BERT style), Swin-style window attention with
padding and a relative position bias, TF-style 'same' padding computed from the input shape (MobileNet /
EfficientNet ports), a wav2vec2-style 1-D conv audio front end, MobileViT-style unfold attention, a GPT-2
decoder block (Conv1D = addmm, causal mask, baddbmm), 3-D convs, strided transposed convs (1-, 2-, 3-D),
LSTM / GRU / RNN, einsum attention and `scaled_dot_product_attention` (with a mask and grouped-query heads).
Each `TWINS` entry builds (model in eval mode, example args); torch is imported by the callers'
`pytest.importorskip`."""

import math

import torch
from torch import nn
from torch.nn import functional as F


class EagerAttention(nn.Module):
    """ViT-style pre-norm encoder block, attention written out as HF's "eager" path: float32 softmax cast
    back with .to(), dropout, a shape assertion."""

    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.ln = nn.LayerNorm(dim)
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln(x)
        q, k, v = (p(h).view(b, t, self.heads, -1).transpose(1, 2) for p in (self.q, self.k, self.v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d // self.heads)
        probs = self.drop(F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype))
        torch._assert(probs.shape[-1] == t, "attention width")
        ctx = torch.matmul(probs, v).transpose(1, 2).contiguous().reshape(b, t, d)
        x = x + self.out(ctx).type_as(x)
        return x + self.mlp(x.float())


class WindowAttention(nn.Module):
    """Swin-style block: pad H, W to multiples of the window, partition into windows, attention with a
    relative position bias gathered from a table, reverse, crop."""

    def __init__(self, dim=16, heads=2, window=4):
        super().__init__()
        self.heads, self.window = heads, window
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, heads))
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + window - 1
        self.register_buffer("index", rel[..., 0] * (2 * window - 1) + rel[..., 1], persistent=False)

    def forward(self, x):  # (B, H, W, C)
        b, h, w, c = x.shape
        ws = self.window
        x = F.pad(x, (0, 0, 0, (ws - w % ws) % ws, 0, (ws - h % ws) % ws))
        hp, wp = x.shape[1], x.shape[2]
        win = x.view(b, hp // ws, ws, wp // ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws * ws, c)
        n = win.shape[0]
        q, k, v = self.qkv(win).reshape(n, ws * ws, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        attn = (q * (c // self.heads) ** -0.5) @ k.transpose(-2, -1)
        bias = self.table[self.index.view(-1)].view(ws * ws, ws * ws, -1).permute(2, 0, 1)
        attn = (attn + bias.unsqueeze(0)).softmax(-1)
        out = self.proj((attn @ v).transpose(1, 2).reshape(n, ws * ws, c))
        out = out.view(b, hp // ws, wp // ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, c)
        return out[:, :h, :w, :].contiguous()


def tf_same_pad(x, kernel, stride):
    """TensorFlow 'SAME' padding of a (N, C, H, W) input, computed from its run-time shape (as the
    transformers MobileNetV2 port does: traced, the pads are Shape arithmetic in the ONNX graph)."""
    pads = []
    for size in (x.shape[-1], x.shape[-2]):
        total = max(kernel - stride, 0) if size % stride == 0 else max(kernel - size % stride, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class TFSamePadding(nn.Module):
    """MobileNetV2-port stem: TF-'same' padded strided conv, depthwise strided conv, pointwise conv."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, bias=False)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, groups=8, bias=False)
        self.pw = nn.Conv2d(8, 16, 1)

    def forward(self, x):
        x = F.relu6(self.stem(tf_same_pad(x, 3, 2)))
        return self.pw(F.relu6(self.dw(tf_same_pad(x, 3, 2))))


class AudioFrontEnd(nn.Module):
    """wav2vec2-style feature encoder: strided Conv1d stack (GroupNorm on the first), feature projection,
    grouped positional Conv1d with an even kernel (one output trimmed), then a linear head."""

    def __init__(self, dim=32):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(1, 16, 10, 5, bias=False), nn.Conv1d(16, 16, 3, 2, bias=False),
                                    nn.Conv1d(16, 16, 2, 2, bias=False)])
        self.norm = nn.GroupNorm(16, 16)
        self.proj = nn.Linear(16, dim)
        self.pos = nn.Conv1d(dim, dim, 8, padding=4, groups=4)
        self.head = nn.Linear(dim, 8)

    def forward(self, wave):  # (B, samples)
        x = wave[:, None]
        for i, conv in enumerate(self.convs):
            x = F.gelu(self.norm(conv(x)) if i == 0 else conv(x))
        x = self.proj(x.transpose(1, 2))
        pos = self.pos(x.transpose(1, 2))[:, :, :-1]
        return self.head(x + F.gelu(pos).transpose(1, 2))


class UnfoldAttention(nn.Module):
    """MobileViT-style block: local 3x3 conv, 1x1 to the transformer width, unfold into 2x2 patches
    (interpolating to a multiple of the patch size), attention over patches, fold back, 1x1 fusion."""

    def __init__(self, cin=8, dim=16, patch=2):
        super().__init__()
        self.patch = patch
        self.local = nn.Conv2d(cin, cin, 3, padding=1)
        self.to_dim = nn.Conv2d(cin, dim, 1, bias=False)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.back = nn.Conv2d(dim, cin, 1)
        self.fuse = nn.Conv2d(2 * cin, cin, 3, padding=1)

    def forward(self, x):
        y = self.to_dim(self.local(x))
        b, c, h, w = y.shape
        p = self.patch
        nh, nw = math.ceil(h / p) * p, math.ceil(w / p) * p
        if (nh, nw) != (h, w):
            y = F.interpolate(y, size=(nh, nw), mode="bilinear", align_corners=False)
        patches = y.reshape(b * c * (nh // p), p, nw // p, p).transpose(1, 2)
        patches = patches.reshape(b, c, -1, p * p).transpose(1, 3).reshape(b * p * p, -1, c)
        q, k, v = self.qkv(patches).chunk(3, dim=-1)
        patches = self.proj((q @ k.transpose(-1, -2) * c ** -0.5).softmax(-1) @ v)
        y = patches.reshape(b, p * p, -1, c).transpose(1, 3).reshape(b * c * (nh // p), nw // p, p, p)
        y = y.transpose(1, 2).reshape(b, c, nh, nw)
        if (nh, nw) != (h, w):
            y = F.interpolate(y, size=(h, w), mode="bilinear", align_corners=False)
        return self.fuse(torch.cat([x, self.back(y)], 1))


class Conv1D(nn.Module):
    """GPT-2's Conv1D: a linear layer with a transposed weight, written as addmm."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        out = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return out.view(x.size()[:-1] + (self.weight.size(-1),))


class DecoderBlock(nn.Module):
    """GPT-2 decoder block: Conv1D projections, causal mask by torch.where, scores by baddbmm."""

    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.c_attn, self.c_proj = Conv1D(3 * dim, dim), Conv1D(dim, dim)
        self.c_fc, self.c_out = Conv1D(4 * dim, dim), Conv1D(dim, 4 * dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, -1).transpose(1, 2).reshape(b * self.heads, t, -1) for z in (q, k, v))
        scores = torch.baddbmm(torch.zeros(b * self.heads, t, t), q, k.transpose(1, 2), alpha=(d // self.heads) ** -0.5)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        scores = torch.where(causal, scores, torch.finfo(scores.dtype).min)
        ctx = torch.bmm(scores.softmax(-1), v).view(b, self.heads, t, -1).transpose(1, 2).reshape(b, t, d)
        x = x + self.c_proj(ctx)
        return x + self.c_out(F.gelu(self.c_fc(self.ln2(x)), approximate="tanh"))


class Video3D(nn.Module):
    """Video patch embedding (Conv3d with a temporal stride), a depthwise and a grouped dilated Conv3d."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Conv3d(3, 8, (2, 4, 4), stride=(2, 4, 4))
        self.dw = nn.Conv3d(8, 8, 3, padding=1, groups=8)
        self.grouped = nn.Conv3d(8, 12, (1, 3, 3), padding=(0, 2, 2), dilation=(1, 2, 2), groups=2)

    def forward(self, x):
        return self.grouped(F.gelu(self.dw(self.embed(x))))


class Decoder(nn.Module):
    """Strided transposed convs: 2-D (stride 2, output padding; grouped, stride 3), 1-D and 3-D."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1)
        self.up2 = nn.ConvTranspose2d(8, 4, 4, stride=3, padding=2, groups=2, bias=False)
        self.up1d = nn.ConvTranspose1d(4, 2, 5, stride=2, dilation=2)
        self.up3d = nn.ConvTranspose3d(2, 2, 2, stride=2)

    def forward(self, x):
        y = self.up2(F.relu(self.up1(x)))
        z = self.up1d(y.flatten(2))
        return self.up3d(z[:, :, :8].reshape(1, 2, 2, 2, 2))


class Recurrent(nn.Module):
    """Bidirectional 2-layer LSTM (batch first), GRU and a ReLU RNN without biases, then a linear head."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(32, 8)
        self.rnn = nn.RNN(8, 4, nonlinearity="relu", bias=False)
        self.head = nn.Linear(4, 3)

    def forward(self, x):  # (B, T, 8)
        y, _ = self.lstm(x)
        y, _ = self.gru(y.transpose(0, 1))
        y, _ = self.rnn(y)
        return self.head(y)


class EinsumAttention(nn.Module):
    """Attention written with einsum: projections by a parameter, scores, context and an output with an
    ellipsis."""

    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.heads = heads
        self.w_qkv = nn.Parameter(torch.randn(dim, 3, heads, dim // heads) * 0.1)
        self.w_out = nn.Parameter(torch.randn(heads, dim // heads, dim) * 0.1)

    def forward(self, x):
        q, k, v = torch.einsum("btd,dshe->sbhte", x, self.w_qkv).unbind(0)
        attn = torch.einsum("bhqe,bhke->bhqk", q, k).softmax(-1)
        ctx = torch.einsum("bhqk,bhke->bhqe", attn, v)
        return torch.einsum("...hqe,hed->...qd", ctx, self.w_out)


class SdpaAttention(nn.Module):
    """scaled_dot_product_attention with an additive mask, and with grouped-query heads (4 query heads
    sharing 2 key/value heads)."""

    def __init__(self, dim=32):
        super().__init__()
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, mask):
        b, t, d = x.shape
        q = self.q(x).view(b, t, 4, -1).transpose(1, 2)
        k, v = self.kv(x).view(b, t, 2, 2, -1).permute(2, 0, 3, 1, 4)
        full = F.scaled_dot_product_attention(q, q, q, attn_mask=mask)
        gqa = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        return self.o((full + gqa).transpose(1, 2).reshape(b, t, d))


def _seeded(make):
    def build():
        torch.manual_seed(0)
        model, args = make()
        return model.eval(), args
    return build


#: name -> () -> (model, example args)
TWINS = {
    "eager_attention": _seeded(lambda: (EagerAttention(), (torch.randn(2, 9, 32),))),
    "window_attention": _seeded(lambda: (WindowAttention(), (torch.randn(1, 7, 10, 16),))),
    "tf_same_padding": _seeded(lambda: (TFSamePadding(), (torch.randn(1, 3, 17, 20),))),
    "audio_front_end": _seeded(lambda: (AudioFrontEnd(), (torch.randn(1, 400),))),
    "unfold_attention": _seeded(lambda: (UnfoldAttention(), (torch.randn(1, 8, 7, 8),))),
    "decoder_block": _seeded(lambda: (DecoderBlock(), (torch.randn(2, 6, 32),))),
    "conv3d": _seeded(lambda: (Video3D(), (torch.randn(1, 3, 4, 16, 16),))),
    "conv_transpose": _seeded(lambda: (Decoder(), (torch.randn(1, 8, 3, 3),))),
    "recurrent": _seeded(lambda: (Recurrent(), (torch.randn(2, 5, 8),))),
    "einsum": _seeded(lambda: (EinsumAttention(), (torch.randn(2, 5, 16),))),
    "sdpa": _seeded(lambda: (SdpaAttention(), (torch.randn(2, 6, 32), torch.randn(6, 6)))),
}

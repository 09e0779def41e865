"""A small CNN as a PyTorch factory: `diffhw layers mypkg.nets:build --input-shape 1,3,32,32` (run from the
repository root with PYTHONPATH=examples)."""

import torch


def build() -> torch.nn.Module:
    """Conv-BN-ReLU stem, a depthwise-separable block, a strided conv, global pooling and a classifier."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 16, 3, padding=1, groups=16), torch.nn.Conv2d(16, 32, 1), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3, stride=2, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, 10))

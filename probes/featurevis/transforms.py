"""Transformation robustness: each step sees the images padded, jittered, scaled and slightly rotated, so only
patterns that drive the objective wherever they land survive. One batched affine warp per step, with
independent random parameters per image."""
from __future__ import annotations


import torch
import torch.nn.functional as F
from torch import Tensor

PAD = 8  # grey border added on each side before the warp: the warped image is this much wider each way


def robustness(images: Tensor, generator: torch.Generator, *, pad: int = PAD, jitter: int = 6,
               scale: tuple[float, float] = (0.9, 1.1), degrees: float = 10.0) -> Tensor:
    n, _, height, width = images.shape
    padded = F.pad(images, (pad, pad, pad, pad), mode="constant", value=0.5)
    size = padded.shape[-1]

    def uniform(low, high):
        return torch.rand(n, generator=generator) * (high - low) + low

    angle = torch.deg2rad(uniform(-degrees, degrees))
    zoom = uniform(*scale)
    shift = (torch.randint(-jitter, jitter + 1, (n, 2), generator=generator).float() * 2 / size)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta.to(images.device), list(padded.shape), align_corners=False)
    return F.grid_sample(padded, grid, mode="bilinear", padding_mode="border", align_corners=False)

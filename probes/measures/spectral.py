"""Local spectral energy on either side of a boundary: a judge of high-low frequency crops that owes nothing to
the network under test.

A crop's luminance is high-passed (the crop minus its Gaussian blur, sigma BLUR of the crop's side), and the
high-pass energy is summed over the two half-discs of the crop's inscribed disc on either side of a straight
boundary through the centre, leaving out a strip of GAP of the side around the boundary (where any boundary, a
plain brightness step too, puts energy). The score

    (E_fine_side - E_other_side) / (E_fine_side + E_other_side)

is +1 for fine texture on the side `orientation` points to and nothing on the other, -1 the other way round, and
near 0 for uniform texture, flat ground, or a brightness step. Orientation convention as in
probes.stimuli.sets.high_low: 0 degrees points right, 90 up.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor
from torchvision.transforms.functional import gaussian_blur

BLUR = 0.04  # sigma of the low-pass, as a fraction of the crop side: fine texture survives, coarse does not
GAP = 0.1  # the strip around the boundary left out, as a fraction of the crop side


def high_pass_energy(crops: Tensor) -> Tensor:
    """(N, S, S) squared high-pass luminance of (N, C, S, S) crops."""
    luminance = crops.float().mean(1, keepdim=True)
    sigma = max(0.5, BLUR * crops.shape[-1])
    kernel = 2 * math.ceil(3 * sigma) + 1
    return (luminance - gaussian_blur(luminance, [kernel, kernel], [sigma, sigma])).pow(2)[:, 0]


def side_weights(size: int, orientation: Tensor) -> tuple[Tensor, Tensor]:
    """Masks (N, S, S) of the half-discs on the side each orientation points to and on the other side."""
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    y, x = torch.meshgrid(-coords, coords, indexing="ij")  # y up, as the stimuli draw it
    theta = torch.deg2rad(torch.as_tensor(orientation, dtype=torch.float32)).view(-1, 1, 1)
    along = x * torch.cos(theta) + y * torch.sin(theta)
    disc = (x ** 2 + y ** 2) <= (size / 2) ** 2
    margin = GAP * size / 2
    return ((along > margin) & disc).float(), ((along < -margin) & disc).float()


def high_low_score(crops: Tensor, orientation) -> Tensor:
    """Score in [-1, 1] of each crop for fine texture on the side `orientation` (degrees; one per crop, or one for
    all) points to and coarse texture or flat ground on the other."""
    energy = high_pass_energy(crops)
    orientation = torch.as_tensor(orientation, dtype=torch.float32).expand(len(crops))
    fine_side, other_side = side_weights(crops.shape[-1], orientation)
    fine, other = (energy * fine_side).sum((1, 2)), (energy * other_side).sum((1, 2))
    return (fine - other) / (fine + other).clamp_min(1e-12)


def read_orientation(crops: Tensor, orientations: int = 72) -> Tensor:
    """The orientation (degrees) whose side holds the most fine texture against its opposite, for each crop:
    the argmax of `high_low_score` over `orientations` evenly spaced directions."""
    angles = torch.arange(orientations) * 360.0 / orientations
    scores = torch.stack([high_low_score(crops, float(angle)) for angle in angles], 1)  # (N, orientations)
    return angles[scores.argmax(1)]

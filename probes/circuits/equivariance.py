"""Rotational equivariance in weights (Naturally Occurring Equivariance, Olah et al. 2020): the weights into each
unit of an orientation family are rotated copies of each other.

A unit's footprint is where, in the layer it reads, its excitation comes from: the positive expanded weights
summed over source units, as a map. What all units of the family share (a blob at the centre, say) is removed
by subtracting the family's mean footprint, so the comparison is about the oriented part. If the family is
equivariant, turning unit i's footprint by the difference of preferred orientations lands on unit j's, and
turning it by a wrong angle does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from torch import Tensor
from torchvision.transforms.functional import InterpolationMode, rotate

WRONG = (90.0, 180.0, 270.0)  # offsets added to the right angle


def footprints(weights: Tensor) -> Tensor:
    """(units, C, H, W) expanded weights -> (units, H, W) excitation maps, the family's mean removed."""
    mass = weights.clamp(min=0).sum(1)
    return mass - mass.mean(0, keepdim=True)


def _correlation(a: Tensor, b: Tensor) -> float:
    a, b = a.flatten() - a.mean(), b.flatten() - b.mean()
    denominator = float(a.norm() * b.norm())
    return float(a @ b) / denominator if denominator > 0 else 0.0


@dataclass(frozen=True)
class RotationMatch:
    """For each ordered pair of units (i, j): correlation of unit i's footprint turned by the right angle with
    unit j's footprint, and the same for the wrong angles (pairs, len(WRONG))."""

    right: np.ndarray
    wrong: np.ndarray

    @property
    def beats_every_wrong_angle(self) -> float:
        return float((self.right[:, None] > self.wrong).all(1).mean()) if len(self.right) else 0.0


def rotation_match(maps: Tensor, orientations: list[float]) -> RotationMatch:
    """Compare every ordered pair of footprints (units, H, W) under rotation by their orientation difference
    (counter-clockwise, as stimulus orientations are)."""
    right, wrong = [], []
    for i, source in enumerate(maps):
        for j, target in enumerate(maps):
            if i == j:
                continue
            angle = orientations[j] - orientations[i]

            def turned(by: float) -> Tensor:
                return rotate(source[None], by, interpolation=InterpolationMode.BILINEAR)[0]

            right.append(_correlation(turned(angle), target))
            wrong.append([_correlation(turned(angle + offset), target) for offset in WRONG])
    return RotationMatch(np.array(right), np.array(wrong))

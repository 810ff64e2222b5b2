"""Objectives: small values that say what to maximise, compose with + - * and keep a readable description.

An objective maps the captured activations {layer: (N, C, H, W)} to one value per image (N,). In a batched
render, image i is optimised for objective i. Most objectives read each image alone (`per_image`), and a render
shows them only their own image; one that compares the images of a batch (`diversity`) is shown them all.
"""
from __future__ import annotations

import hashlib

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor


@dataclass(frozen=True)
class Objective:
    layers: frozenset
    function: Callable[[dict], Tensor]
    description: str
    per_image: bool = True  # image i's value depends on image i alone
    centre_only: bool = False  # it reads only the centre position of its layers (a render may crop around it)

    def __call__(self, activations: dict) -> Tensor:
        return self.function(activations)

    def __add__(self, other: "Objective") -> "Objective":
        return Objective(self.layers | other.layers, lambda a: self(a) + other(a),
                         f"{self.description} + {other.description}", self.per_image and other.per_image,
                         self.centre_only and other.centre_only)

    def __sub__(self, other: "Objective") -> "Objective":
        return Objective(self.layers | other.layers, lambda a: self(a) - other(a),
                         f"{self.description} - {other.description}", self.per_image and other.per_image,
                         self.centre_only and other.centre_only)

    def __mul__(self, factor: float) -> "Objective":
        return Objective(self.layers, lambda a: factor * self(a), f"{factor:g} * ({self.description})",
                         self.per_image, self.centre_only)

    __rmul__ = __mul__

    def __neg__(self) -> "Objective":
        return Objective(self.layers, lambda a: -self(a), f"-({self.description})", self.per_image, self.centre_only)


def _centre(activation: Tensor) -> Tensor:
    return activation[..., activation.shape[-2] // 2, activation.shape[-1] // 2]


def unit(layer: str, index: int, position: str | None = "center") -> Objective:
    """A unit's activation at the centre position, or (position=None) averaged over its whole channel."""
    if position == "center":
        return Objective(frozenset([layer]), lambda a: _centre(a[layer][:, index]), f"{layer}:{index}",
                         centre_only=True)
    return Objective(frozenset([layer]), lambda a: a[layer][:, index].mean((-2, -1)), f"{layer}:{index} (channel)")


def direction(layer: str, vector: Tensor, position: str | None = "center") -> Objective:
    """The projection of the layer's activation vector onto `vector` (a direction in activation space)."""
    unit_vector = vector / vector.norm()

    def project(a):
        act = _centre(a[layer]) if position == "center" else a[layer].mean((-2, -1))
        return act @ unit_vector.to(act.device)

    # the description names the vector (by digest), so it identifies the objective: the disk store keys on it
    digest = hashlib.sha256(unit_vector.detach().cpu().float().numpy().tobytes()).hexdigest()[:8]
    return Objective(frozenset([layer]), project, f"{layer} direction {digest}", centre_only=position == "center")


def diversity(layer: str) -> Objective:
    """Penalises images of the batch whose Gram (style) matrices at `layer` resemble each other."""
    def negative_similarity(a):
        flat = a[layer].flatten(2)
        gram = torch.nn.functional.normalize((flat @ flat.transpose(1, 2)).flatten(1), dim=1)
        similarity = gram @ gram.T
        return -(similarity.sum(1) - similarity.diagonal())
    return Objective(frozenset([layer]), negative_similarity, f"diversity({layer})", per_image=False)

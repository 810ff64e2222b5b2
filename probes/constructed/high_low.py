"""`constructed_high_low`: high-low frequency detectors with hand-set weights, the positive control of the
high-low claims.

Built from the Early Vision article's account of InceptionV1's mixed3a high-low frequency detectors: they "look
for transitions from high-frequency texture to low-frequency", assembled from earlier units that answer fine
texture anywhere, excited by them on one side of the boundary and inhibited by them on the other. Not built from
any instrument of this suite. RGB in [0, 1] at 96 px; every layer is a convolution and a ReLU.

  texture     stride 1, field 7 px
              units 0-1   fine-texture detectors: a difference of Gaussians (centre 0.8 px, surround 1.6 px) and
                          its negative, so together they answer fine texture of any orientation and phase, and
                          a coarse pattern or a flat region hardly at all
              units 2-3   luminance: a wide Gaussian blur and its negative (brightness, no texture)
  (2x2 average pool)
  boundaries  stride 2, field 37 px
              units 0-15  THE HIGH-LOW FAMILY: unit k prefers fine texture on the side its orientation 22.5k
                          degrees points to (as probes.stimuli.high_low draws it) and coarse texture or flat
                          ground on the other: excited by the fine-texture units over the half-disc on that side,
                          inhibited by them over the opposite half-disc, so uniform texture cancels, a plain
                          luminance edge (texture energy on neither side) barely moves it, and the boundary turned
                          by 180 degrees drives it below zero
              units 16-19 luminance-edge units, reading the luminance units across a boundary at 0, 90, 180
                          and 270 degrees (brightness steps: what a high-low unit must not be)

Ground truth (the planted atlas): family "high_low" = boundaries:0-15 with orientations 22.5k.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from probes.atlas import Atlas, Family, Provenance
from probes.constructed import PLANTED
from probes.constructed.drawing import kernel_grid
from probes.models.zoo import ImageModel, Layer, Model, Preprocessing, ZooEntry, register

NAME = "constructed_high_low"
INPUT_SIZE = 96
FAMILY, EDGE_UNITS = 16, 4
RADIUS = 7.0  # boundary units read a disc of this many pooled pixels (14 input pixels)


def _gaussian(size: int, sigma: float) -> torch.Tensor:
    x, y = kernel_grid(size)
    g = torch.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def _texture_weights() -> torch.Tensor:
    weights = torch.zeros(4, 3, 7, 7)
    fine = _gaussian(7, 0.8) - _gaussian(7, 1.6)
    blur = _gaussian(7, 2.5)
    for channel in range(3):  # grey texture: every colour channel alike
        weights[0, channel], weights[1, channel] = 4.0 * fine / 3, -4.0 * fine / 3
        weights[2, channel], weights[3, channel] = blur / 3, -blur / 3
    return weights


def _boundary_weights() -> torch.Tensor:
    weights = torch.zeros(FAMILY + EDGE_UNITS, 4, 15, 15)
    x, y = kernel_grid(15)
    disc = ((x ** 2 + y ** 2) <= RADIUS ** 2).float()
    for k in range(FAMILY + EDGE_UNITS):
        angle = math.radians(22.5 * k if k < FAMILY else 90.0 * (k - FAMILY))
        side = x * math.cos(angle) + y * math.sin(angle)
        half = torch.tanh(side / 1.5) * disc  # +1 on the preferred side, -1 on the other, soft at the boundary
        half = half / half.abs().sum()
        if k < FAMILY:
            weights[k, 0], weights[k, 1] = 6.0 * half, 6.0 * half  # texture energy, both polarities
        else:
            weights[k, 2], weights[k, 3] = 4.0 * half, -4.0 * half  # brightness rising towards `angle`
    return weights


class ConstructedHighLow(nn.Module):
    def __init__(self):
        super().__init__()
        self.texture = nn.Conv2d(3, 4, 7, padding=3)
        self.texture_act = nn.ReLU()
        self.pool = nn.AvgPool2d(2)
        self.boundaries = nn.Conv2d(4, FAMILY + EDGE_UNITS, 15, padding=7)
        self.boundaries_act = nn.ReLU()
        with torch.no_grad():
            self.texture.weight.copy_(_texture_weights())
            self.texture.bias.zero_()
            self.boundaries.weight.copy_(_boundary_weights())
            self.boundaries.bias.fill_(-0.01)  # a threshold below which noise and slight imbalances stay silent

    def forward(self, x):
        x = self.texture_act(self.texture(x))
        x = self.pool(x)
        x = self.boundaries_act(self.boundaries(x))
        return x.mean((2, 3))  # one output per unit, so the network is a classifier-shaped module


def planted_atlas() -> Atlas:
    provenance = Provenance(method="planted by construction (probes/constructed/high_low.py)",
                            data="none: hand-set weights", date="2026-11-24", tool="probes.constructed")
    return Atlas(NAME, {
        "high_low": Family("boundaries", list(range(FAMILY)), provenance,
                           {k: 22.5 * k for k in range(FAMILY)},
                           "high-low frequency detectors: fine texture on the side orientation 22.5k points to"),
        "luminance_edges": Family("boundaries", list(range(FAMILY, FAMILY + EDGE_UNITS)), provenance,
                                  {FAMILY + k: 90.0 * k for k in range(EDGE_UNITS)},
                                  "brightness steps, rising towards 90k degrees"),
    })


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    network = ConstructedHighLow()
    preprocessing = Preprocessing(size=INPUT_SIZE, resize=round(INPUT_SIZE / 0.875))
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("texture", "boundaries")}
    return Model(name=NAME, module=ImageModel(network, preprocessing), preprocessing=preprocessing, layers=layers,
                 labels=[], weights="hand-set by construction (probes/constructed/high_low.py)")


PLANTED[NAME] = planted_atlas()
register(ZooEntry(name=NAME, summary="positive control: hand-set high-low frequency detectors at stride 2 (96 px)",
                  load=load, weights_status=lambda: "hand-set (no file)"))

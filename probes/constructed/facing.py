"""`constructed_facing`: "unioning over cases" with hand-set weights, the positive control of the dog-head claims.

Built from Zoom In's account of InceptionV1's pose-invariant dog-head detector: a left-facing and a right-facing
detector, each the mirror image of the other; later units that continue one pathway and are inhibited by the
other ("mutual inhibition"); and a union unit that reads both facings positively, so it answers either case,
and, because the two cases cancel where they meet, less to both at once (XOR-like). Facing here is the
simplest mirror-asymmetric property of a photograph, which side is brighter, so every claim can be measured on
any photographs, the dog photographs included. Not built from any instrument of this suite. RGB in [0, 1] at
96 px; every layer is a convolution and a ReLU; all kernels are mirror-symmetric or come in mirror pairs, so a
flipped image gives exactly flipped maps.

  parts    8x8 at stride 8: unit 0 brightness (grey mean), unit 1 darkness (1 - brightness)   -> 12 x 12
  facing   12x12 over the whole parts map                                                    -> 1 x 1
           unit 0  LEFT-FACING: brightness of the left half minus the right half
           unit 1  RIGHT-FACING: its mirror image (right minus left); partners {0: 1, 1: 0}
           unit 2  overall brightness; unit 3 top half minus bottom half (both mirror-symmetric)
  union    1x1 over the facing units
           unit 0  UNION: left-facing + right-facing, answers either facing, nothing to a symmetric blend
           unit 1  left pathway: left-facing minus right-facing (inhibited by the other pathway)
           unit 2  right pathway: right-facing minus left-facing
           unit 3  overall brightness; unit 4 top minus bottom (readers that ignore facing)

Ground truth (the planted atlas): family "facing" = facing:0-1 with partners {0: 1, 1: 0}; family
"facing_union" = union:0, reading facing:0 and facing:1.
"""
from __future__ import annotations

import torch
from torch import nn

from probes.atlas import Atlas, Family, Provenance
from probes.constructed import PLANTED
from probes.models.zoo import (
    ImageModel,
    Layer,
    Model,
    Preprocessing,
    ZooEntry,
    register,
)

NAME = "constructed_facing"
INPUT_SIZE = 96
GRID = 12  # parts map size


def _parts_weights() -> tuple[torch.Tensor, torch.Tensor]:
    weight = torch.zeros(2, 3, 8, 8)
    weight[0] = 1.0 / (3 * 64)
    weight[1] = -1.0 / (3 * 64)
    return weight, torch.tensor([0.0, 1.0])


def _facing_weights() -> torch.Tensor:
    columns = torch.arange(GRID).float() - (GRID - 1) / 2  # negative on the left
    left = -torch.sign(columns).expand(GRID, GRID) / (GRID * GRID / 2)
    top = -torch.sign(columns).unsqueeze(1).expand(GRID, GRID) / (GRID * GRID / 2)
    weight = torch.zeros(4, 2, GRID, GRID)
    weight[0, 0], weight[1, 0] = 4.0 * left, 4.0 * left.flip(-1)
    weight[2, 0] = 1.0 / (GRID * GRID)
    weight[3, 0] = 4.0 * top
    return weight


def _union_weights() -> torch.Tensor:
    weight = torch.zeros(5, 4, 1, 1)
    weight[0, 0], weight[0, 1] = 1.0, 1.0
    weight[1, 0], weight[1, 1] = 1.0, -1.0
    weight[2, 1], weight[2, 0] = 1.0, -1.0
    weight[3, 2] = 1.0
    weight[4, 3] = 1.0
    return weight


class ConstructedFacing(nn.Module):
    def __init__(self):
        super().__init__()
        self.parts = nn.Conv2d(3, 2, 8, stride=8)
        self.parts_act = nn.ReLU()
        self.facing = nn.Conv2d(2, 4, GRID)
        self.facing_act = nn.ReLU()
        self.union = nn.Conv2d(4, 5, 1)
        self.union_act = nn.ReLU()
        with torch.no_grad():
            weight, bias = _parts_weights()
            self.parts.weight.copy_(weight)
            self.parts.bias.copy_(bias)
            self.facing.weight.copy_(_facing_weights())
            self.facing.bias.zero_()
            self.union.weight.copy_(_union_weights())
            self.union.bias.zero_()

    def forward(self, x):
        x = self.parts_act(self.parts(x))
        x = self.facing_act(self.facing(x))
        x = self.union_act(self.union(x))
        return x.flatten(1)


def planted_atlas() -> Atlas:
    provenance = Provenance(method="planted by construction (probes/constructed/facing.py)",
                            data="none: hand-set weights", date="2026-11-25", tool="probes.constructed")
    return Atlas(NAME, {
        "facing": Family("facing", [0, 1], provenance, partners={0: 1, 1: 0},
                         description="left-facing (brighter left) and its mirror partner, right-facing"),
        "facing_union": Family("union", [0], provenance, description="union of the two facings"),
    })


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    network = ConstructedFacing()
    preprocessing = Preprocessing(size=INPUT_SIZE, resize=round(INPUT_SIZE / 0.875))
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("parts", "facing", "union")}
    return Model(name=NAME, module=ImageModel(network, preprocessing), preprocessing=preprocessing, layers=layers,
                 labels=[], weights="hand-set by construction (probes/constructed/facing.py)")


PLANTED[NAME] = planted_atlas()
register(ZooEntry(name=NAME, summary="positive control: hand-set left- and right-facing units, mutual inhibition "
                                     "and their union (96 px)",
                  load=load, weights_status=lambda: "hand-set (no file)"))

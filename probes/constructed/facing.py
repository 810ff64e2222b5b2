"""`constructed_facing`: "unioning over cases" with hand-set weights, the positive control of the dog-head claims.

Built from Zoom In's account of InceptionV1's pose-invariant dog-head detector: a left-facing and a right-facing
detector, each built for its own case; later units that continue one pathway and are inhibited by the other
("mutual inhibition"); and a union unit that reads both facings positively, so it answers either case, and,
because the two cases cancel where they meet, less to both at once (XOR-like). Facing here is the simplest
mirror-asymmetric property of a photograph, which side is brighter, so every claim can be measured on any
photographs, the dog photographs included.

The two facing detectors are NOT copies of each other under a flip: each is built separately from the
description of its case, with its own input and profile, so they are mirror partners only in function
(approximately), and a mirror correlation of 1 is never an identity of weights:
  left-facing   reads LUMINANCE (Rec. 601 weights of R, G, B) with a linear ramp over all 12 columns and all 12
                rows: the further a cell lies from the vertical midline, the more it counts; left cells count
                positively, right cells negatively.
  right-facing  reads DARKNESS (1 - the plain mean of R, G, B) with a flat step over the five outer columns on
                each side (the two central columns ignored) and rows 1-10 only (top and bottom row ignored):
                darkness on the left counts positively, darkness on the right negatively, which is "the right is
                brighter" said the other way round.
Each is normalised so that a picture dark on one half and bright on the other gives the same response (4).

Not built from any instrument of this suite (probes.photographs.mirror, probes.discover.facing, the claims): no import,
no shared constant. RGB in [0, 1] at 96 px; every layer is a convolution and a ReLU.

  parts    8x8 at stride 8 -> 12 x 12: unit 0 luminance, unit 1 darkness
  facing   12x12 over the whole parts map -> 1 x 1
           unit 0  LEFT-FACING (luminance ramp, above)
           unit 1  RIGHT-FACING (darkness step, above); partners {0: 1, 1: 0}
           unit 2  overall luminance; unit 3 luminance of the top half minus the bottom half (ignore facing)
  union    1x1 over the facing units
           unit 0  UNION: left-facing + right-facing, answers either facing, nothing to a symmetric blend
           unit 1  left pathway: left-facing, inhibited by right-facing
           unit 2  right pathway: right-facing, inhibited by left-facing
           unit 3  overall luminance; unit 4 top minus bottom (readers that ignore facing)

Ground truth (the planted atlas): family "facing" = facing:0-1 with partners {0: 1, 1: 0}; family
"facing_union" = union:0, reading facing:0 and facing:1. The near misses of the dog-head claims
(probes/constructed/facing_near_misses.py) are this network with one thing planted wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from probes.constructed import register_control
from probes.records.atlas import Atlas, Family, Provenance
from probes.zoo import ImageModel, Layer, Model, Preprocessing

NAME = "constructed_facing"
INPUT_SIZE = 96
CELL = 8  # pixels per parts cell
GRID = INPUT_SIZE // CELL  # 12 cells a side
GAIN = 4.0  # response of a facing unit to a picture dark on one half and bright on the other
LUMINANCE = (0.299, 0.587, 0.114)  # Rec. 601


@dataclass(frozen=True)
class Wiring:
    """What the network plants. The positive control uses the defaults; each near miss changes exactly one field.

    partner: what facing unit 1 answers: "right-facing" (the mirror case) or "top-brighter" (another property).
    union_reads: (facing unit, weight) of every input of the union unit.
    inhibition: the weight of the other facing unit into each pathway unit (negative: inhibited).
    """

    partner: str = "right-facing"
    union_reads: tuple[tuple[int, float], ...] = ((0, 1.0), (1, 1.0))
    inhibition: float = -1.0


def _parts_weights() -> tuple[torch.Tensor, torch.Tensor]:
    """Unit 0: mean luminance of the cell; unit 1: darkness, 1 minus the cell's plain mean of R, G and B."""
    area = CELL * CELL
    weight = torch.zeros(2, 3, CELL, CELL)
    for channel, share in enumerate(LUMINANCE):
        weight[0, channel] = share / area
    weight[1] = -1.0 / (3 * area)
    return weight, torch.tensor([0.0, 1.0])


def left_facing_profile() -> torch.Tensor:
    """(GRID, GRID) over luminance: a linear ramp across the columns, positive on the left, every row."""
    distance = (GRID - 1) / 2 - torch.arange(GRID, dtype=torch.float32)  # +5.5 at the left edge, -5.5 at the right
    ramp = distance.expand(GRID, GRID).clone()
    left_half = ramp.clamp(min=0).sum()
    return GAIN * ramp / left_half  # bright left half, dark right half -> GAIN


def right_facing_profile() -> torch.Tensor:
    """(GRID, GRID) over darkness: +1 on the five outer left columns, -1 on the five outer right columns, rows
    1 to GRID-2 only. Darkness on the left is brightness on the right."""
    step = torch.zeros(GRID, GRID)
    outer = 5
    step[1:GRID - 1, :outer] = 1.0
    step[1:GRID - 1, GRID - outer:] = -1.0
    return GAIN * step / step.clamp(min=0).sum()  # dark left half, bright right half -> GAIN


def top_brighter_profile() -> torch.Tensor:
    """(GRID, GRID) over darkness: the right-facing step turned a quarter: darkness on the bottom counts
    positively, on the top negatively, so it answers a brighter top half, which a flip leaves alone."""
    return right_facing_profile().T.flip(0)


def _facing_weights(wiring: Wiring) -> torch.Tensor:
    luminance, darkness = 0, 1
    weight = torch.zeros(4, 2, GRID, GRID)
    weight[0, luminance] = left_facing_profile()
    if wiring.partner == "right-facing":
        weight[1, darkness] = right_facing_profile()
    elif wiring.partner == "top-brighter":
        weight[1, darkness] = top_brighter_profile()
    else:
        raise ValueError(f"unknown partner {wiring.partner!r}")
    weight[2, luminance] = 1.0 / (GRID * GRID)
    rows = (GRID - 1) / 2 - torch.arange(GRID, dtype=torch.float32)
    weight[3, luminance] = GAIN * torch.sign(rows).unsqueeze(1).expand(GRID, GRID) / (GRID * GRID / 2)
    return weight


def _union_weights(wiring: Wiring) -> torch.Tensor:
    left, right, luminance, top = 0, 1, 2, 3
    weight = torch.zeros(5, 4, 1, 1)
    for unit, strength in wiring.union_reads:
        weight[0, unit] = strength
    weight[1, left], weight[1, right] = 1.0, wiring.inhibition
    weight[2, right], weight[2, left] = 1.0, wiring.inhibition
    weight[3, luminance] = 1.0
    weight[4, top] = 1.0
    return weight


class ConstructedFacing(nn.Module):
    def __init__(self, wiring: Wiring = Wiring()):
        super().__init__()
        self.parts = nn.Conv2d(3, 2, CELL, stride=CELL)
        self.parts_act = nn.ReLU()
        self.facing = nn.Conv2d(2, 4, GRID)
        self.facing_act = nn.ReLU()
        self.union = nn.Conv2d(4, 5, 1)
        self.union_act = nn.ReLU()
        with torch.no_grad():
            weight, bias = _parts_weights()
            self.parts.weight.copy_(weight)
            self.parts.bias.copy_(bias)
            self.facing.weight.copy_(_facing_weights(wiring))
            self.facing.bias.zero_()
            self.union.weight.copy_(_union_weights(wiring))
            self.union.bias.zero_()

    def forward(self, x):
        x = self.parts_act(self.parts(x))
        x = self.facing_act(self.facing(x))
        x = self.union_act(self.union(x))
        return x.flatten(1)


def planted_atlas(name: str = NAME, where: str = "probes/constructed/facing.py") -> Atlas:
    """The ground truth: what the positive control plants, and what each near miss CLAIMS to plant (its atlas is
    the same, so a claim reads the same units and finds them wrong)."""
    provenance = Provenance(method=f"planted by construction ({where})", data="none: hand-set weights",
                            date="2026-11-30", tool="probes.constructed")
    return Atlas(name, {
        "facing": Family("facing", [0, 1], provenance, partners={0: 1, 1: 0},
                         description="left-facing (brighter left, luminance ramp) and its mirror partner, "
                                     "right-facing (darker left, darkness step)"),
        "facing_union": Family("union", [0], provenance, description="union of the two facings"),
    })


def build(name: str, wiring: Wiring, weights: str) -> Model:
    network = ConstructedFacing(wiring)
    preprocessing = Preprocessing(size=INPUT_SIZE, resize=round(INPUT_SIZE / 0.875))
    layers = {layer: Layer(layer, getattr(network, layer), getattr(network, f"{layer}_act"))
              for layer in ("parts", "facing", "union")}
    return Model(name=name, module=ImageModel(network, preprocessing), preprocessing=preprocessing, layers=layers,
                 labels=[], weights=weights)


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    return build(NAME, Wiring(), "hand-set by construction (probes/constructed/facing.py)")


register_control(NAME, "positive control: hand-set left- and right-facing units (each its own weights), mutual "
                       "inhibition and their union (96 px)", load, planted_atlas())


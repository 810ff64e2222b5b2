"""`constructed_high_low_any_edge`: the near miss of the high-low claims. Its "high-low" units answer ANY
boundary, not specifically fine texture on one side and coarse texture on the other.

What is wrong, exactly: each family unit k of `boundaries` reads the sides layer of `constructed_high_low`
without a sign. Where the positive control's unit k is the one side unit "fine-texture energy towards 22.5k
degrees minus away from it", this unit adds that side unit to its opposite (22.5k + 180 degrees), which makes it
|difference of fine-texture energy across the boundary| (fine to coarse or coarse to fine alike), and does the same
for the other differences the sides layer measures: brightness (a plain luminance step), and orientation-opponent
Gabor energy (a boundary between two textures of one frequency and different orientations). So it answers a
high-low boundary and its reverse equally, and luminance edges and orientation-defined texture edges as well as
high-low ones; uniform fine texture still leaves it (nearly) silent, as every boundary detector would be (a coarse
pattern whose period outgrows the field looks like a brightness edge to it, and it answers that a little).

Measured at contrast 0.6 on its 35 px field: a high-low boundary (fine period 5.2 px) drives a unit about 0.88 in
either direction, a brightness step about 0.97, a boundary between 0-degree and 90-degree stripes of one period
(4.5 px) about 12. The orientation-defined edge is its strongest stimulus on purpose: with the three kinds weighted
alike (OPPONENT_GAIN 2, orientation edge about 0.6), the unit's feature visualisation was still a fine/coarse
boundary on a random side, which the feature-visualisation claim (threshold 0.5 of visualisations within 45
degrees) reads as 0.44 [0.31, 0.56] and 0.59 [0.44, 0.75]: inconclusive, never refuted, for a direction-blind unit.

What is the same: every weight of `texture` and `sides` (the Gabor quadrature energy, the offset-lobe side
profile, the strides and fields), the luminance-edge units, the layer names, the threshold, and the planted atlas
(family "high_low" = boundaries:0-15 at orientations 22.5k, which is what the claims are told to test). Because the
units at 22.5k and 22.5k + 180 degrees read the same unsigned differences, they are the same function.

Independence is the positive control's (probes/constructed/high_low.py): no code or constant from the judges.
"""
from __future__ import annotations

import torch

from probes.constructed import register_control
from probes.constructed.high_low import (BRIGHT, DIRECTIONS, FAMILY, FINE, OPPONENT_0_90,
                                         OPPONENT_45_135, SIDES, ConstructedHighLow, family_readout, load_network,
                                         planted_atlas)
from probes.zoo import Model

NAME = "constructed_high_low_any_edge"

# Weight of each unsigned difference (the gains of the sides units are set in probes/constructed/high_low.py).
ANY_EDGE = {FINE: 1.0, BRIGHT: 1.0, OPPONENT_0_90: 1.0, OPPONENT_45_135: 1.0}


def any_edge_readout() -> torch.Tensor:
    readout = family_readout()  # the luminance-edge units unchanged
    readout[:FAMILY] = torch.zeros(FAMILY, SIDES)
    for k in range(FAMILY):
        for first, weight in ANY_EDGE.items():
            readout[k, first + k] = weight  # the difference towards 22.5k ...
            readout[k, first + (k + DIRECTIONS // 2) % DIRECTIONS] = weight  # ... and away from it: |difference|
    return readout


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    return load_network(NAME, ConstructedHighLow(any_edge_readout()),
                        "hand-set by construction (probes/constructed/high_low_any_edge.py)")


register_control(NAME, "near miss of constructed_high_low: its high-low units answer any edge (either direction, "
                       "brightness and orientation edges too)", load,
                 planted_atlas(NAME, "near miss: units that answer any boundary (texture or brightness, either "
                                     "direction), labelled as high-low detectors at 22.5k"))

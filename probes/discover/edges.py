"""Screen a model's layers, from the input up, for the first one that holds oriented edge detectors (the Gabor-like
filters and edge units of Early Vision's conv2d0-conv2d2).

A unit qualifies when, on the discovery stimuli (plain brightness steps through its centre at 36 directions over
the full turn, grey, contrast 0.8), it is
  - oriented: its orientation selectivity, (R_peak - R_orthogonal) / (R_peak + R_orthogonal), is
    >= MIN_SELECTIVITY (an edge unit of either polarity, or of both, counts; the vector strength of a
    cosine-tuned edge unit is only 0.79, and its axial strength 0.33, so neither serves),
  - responsive: its peak reaches MIN_DRIVE of its 99th-percentile response on natural images.
Its preferred orientation is the direction of its strongest step (where the brighter side points); the family's
tiling is judged on axes (mod 180): at least MIN_FAMILY units, no gap between neighbouring axes wider than
MAX_AXIS_GAP. The family is the EARLIEST layer that holds one (where edges form), not the tidiest, so the screen
stops there. No smallest receptive field: a 3 x 3 first layer is screened too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from probes.activations.receptive_field import receptive_field
from probes.discover.screening import MIN_DRIVE, MIN_FAMILY, LayerScreen, divide_drive_by_natural
from probes.measures.tuning import TuningCurve, centre_responses, orientation_selectivity
from probes.records.timing import timed
from probes.stimuli.protocol import EDGES_DISCOVERY as DISCOVERY
from probes.stimuli.sets import luminance_edge
from probes.zoo import Model

MIN_SELECTIVITY = 0.5
MAX_AXIS_GAP = 67.5  # degrees of axis, half the other families' MAX_GAP of direction
MIN_FIELD = 1
EARLIEST = True  # the CLI stops at the first layer holding a family
GREY = (0.5, 0.5, 0.5)
CRITERIA = "orientation selectivity of brightness-step tuning, natural drive; earliest layer with a family"


@dataclass
class EdgeUnit:
    unit: int
    preferred_orientation: float  # direction of the brighter side, degrees in [0, 360)
    selectivity: float
    vector_strength: float  # recorded, and what screening.choose_family would rank by
    drive: float

    @property
    def axis(self) -> float:
        return self.preferred_orientation % 180.0

    @property
    def passes_stimuli(self) -> bool:
        return self.selectivity >= MIN_SELECTIVITY

    @property
    def qualifies(self) -> bool:
        return self.passes_stimuli and self.drive >= MIN_DRIVE


def family_gap(screen: LayerScreen) -> float:
    """The largest gap between neighbouring axes of the layer's qualifying units, degrees."""
    axes = sorted(u.axis for u in screen.family)
    if len(axes) < 2:
        return 180.0
    return float(np.diff(axes + [axes[0] + 180.0]).max())


def choose_family(screens: list[LayerScreen]) -> LayerScreen | None:
    """The earliest screened layer whose qualifying units tile the axes."""
    for screen in screens:
        if len(screen.family) >= MIN_FAMILY and family_gap(screen) <= MAX_AXIS_GAP:
            return screen
    return None


@timed("discovery screens")
def measure_layer(model: Model, layer: str, stimuli=DISCOVERY) -> LayerScreen:
    """The stimulus part of `screen_layer`: every responsive unit's record, its `drive` still the peak stimulus
    response (not yet divided by its natural drive)."""
    field_ = receptive_field(model, layer)
    orientation = torch.arange(stimuli["orientations"]) * 360.0 / stimuli["orientations"]
    steps = luminance_edge(field_.canvas, orientation, stimuli["contrast"])
    responses = centre_responses(model, layer, steps, background=GREY)
    screen = LayerScreen(layer, field_.size)
    for unit in range(responses.shape[1]):
        curve = TuningCurve(orientation.numpy(), responses[:, unit])
        if curve.peak <= 0:
            continue
        peak_at = float(curve.orientations[int(np.argmax(curve.responses))])
        screen.units.append(EdgeUnit(unit, peak_at, orientation_selectivity(curve.orientations, curve.responses),
                                     curve.vector_strength, drive=curve.peak))
    return screen


def screen_layer(model: Model, layer: str, natural_images: torch.Tensor, stimuli=DISCOVERY) -> LayerScreen:
    return divide_drive_by_natural(measure_layer(model, layer, stimuli), model, natural_images)


def unit_score(unit) -> float:
    """The per-unit score the screen ranks by: its criterion, orientation selectivity (vector strength does not
    serve for edges, see above)."""
    return unit.selectivity

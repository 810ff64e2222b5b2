"""Screen a model's layers for high-low frequency detectors: units that answer fine texture on one side of a
boundary and coarse texture on the other, tiling orientation (Early Vision, mixed3a).

A unit qualifies when, on the discovery stimuli (high-low boundaries at every orientation, fine period 0.1 and
coarse period 0.5 of its receptive field, grey, contrast 0.8), it is
  - orientation selective: vector strength of its boundary tuning >= MIN_VECTOR_STRENGTH,
  - about the boundary: its peak response to boundaries is >= MIN_BOUNDARY_RATIO times its response to the same
    fine texture everywhere, to the coarse texture everywhere, and to a plain brightness step at its preferred
    orientation (either polarity),
  - directional: the boundary turned by 180 degrees gives at most MAX_FLIP of the peak,
  - responsive: its peak reaches MIN_DRIVE of its 99th-percentile response on natural images.
The family is chosen among layers as for curves (probes/discover/curves.py): at least MIN_FAMILY units leaving
no orientation gap wider than MAX_GAP, highest median vector strength.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from probes.discover.screening import MIN_DRIVE, LayerScreen, divide_drive_by_natural
from probes.models.zoo import Model
from probes.receptive_field import receptive_field
from probes.stimuli.sets import high_low, high_low_set, luminance_edge
from probes.tuning import TuningCurve, centre_responses

MIN_VECTOR_STRENGTH = 0.5
MIN_BOUNDARY_RATIO = 2.0
MAX_FLIP = 0.5
GREY = (0.5, 0.5, 0.5)

# Periods as fractions of the receptive field; confirmation claims use others.
DISCOVERY = dict(orientations=36, high_period_fraction=0.1, low_period_fraction=0.5, contrast=0.8)
CRITERIA = "vector strength, boundary vs uniform textures and brightness step, direction, natural drive"


@dataclass
class HighLowUnit:
    unit: int
    preferred_orientation: float
    vector_strength: float
    boundary_ratio: float  # peak / largest response to a uniform texture or a brightness step
    flip: float  # response to the preferred boundary turned by 180 degrees, over the peak
    drive: float

    @property
    def passes_stimuli(self) -> bool:
        return (self.vector_strength >= MIN_VECTOR_STRENGTH and self.boundary_ratio >= MIN_BOUNDARY_RATIO
                and self.flip <= MAX_FLIP)

    @property
    def qualifies(self) -> bool:
        return self.passes_stimuli and self.drive >= MIN_DRIVE


def periods(field_size: int, stimuli: dict) -> tuple[float, float]:
    """Fine and coarse periods in pixels; the fine one never below 3 px (finer aliases on the pixel grid)."""
    return max(3.0, stimuli["high_period_fraction"] * field_size), stimuli["low_period_fraction"] * field_size


def controls(canvas: int, high_period: float, low_period: float, orientations: torch.Tensor, contrast: float):
    """Stimuli that share the boundary's parts but are no high-low boundary: each texture everywhere, and a
    brightness step at every given orientation, both polarities."""
    uniform = high_low(canvas, torch.zeros(2), torch.tensor([1 / high_period, 1 / low_period]),
                       torch.tensor([1 / high_period, 1 / low_period]), contrast)
    steps = luminance_edge(canvas, torch.cat([orientations, orientations + 180.0]), contrast)
    return uniform, steps


def measure_layer(model: Model, layer: str, stimuli=DISCOVERY) -> LayerScreen:
    """The stimulus part of `screen_layer`: every responsive unit's record, its `drive` still the peak stimulus
    response (not yet divided by its natural drive)."""
    field_ = receptive_field(model, layer)
    high_period, low_period = periods(field_.size, stimuli)
    boundaries = high_low_set(field_.canvas, orientations=stimuli["orientations"], high_period=high_period,
                              low_period=low_period, contrast=stimuli["contrast"])
    orientations = boundaries.params["orientation"]
    uniform, steps = controls(field_.canvas, high_period, low_period, orientations, stimuli["contrast"])
    responses = torch.from_numpy(centre_responses(model, layer, torch.cat([boundaries.images, uniform, steps]),
                                                  background=GREY))
    n = len(orientations)
    tuning, textures, step_r = responses[:n], responses[n:n + 2], responses[n + 2:]
    screen = LayerScreen(layer, field_.size)
    for unit in range(tuning.shape[1]):
        curve = TuningCurve(orientations.numpy(), tuning[:, unit].numpy())
        if curve.peak <= 0:
            continue
        best = int(tuning[:, unit].argmax())
        opposite = (best + n // 2) % n
        step_peak = max(float(step_r[best, unit]), float(step_r[best + n, unit]))
        distractor = max(float(textures[:, unit].max()), step_peak)
        screen.units.append(HighLowUnit(
            unit, float(curve.preferred_orientation), float(curve.vector_strength),
            boundary_ratio=curve.peak / distractor if distractor > 0 else float("inf"),
            flip=float(tuning[opposite, unit]) / curve.peak, drive=curve.peak))
    return screen


def screen_layer(model: Model, layer: str, natural_images: torch.Tensor, stimuli=DISCOVERY) -> LayerScreen:
    return divide_drive_by_natural(measure_layer(model, layer, stimuli), model, natural_images)


def unit_score(unit) -> float:
    """The per-unit score the screen ranks by (its family is chosen as for curves, by median vector strength)."""
    return unit.vector_strength

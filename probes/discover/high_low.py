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

Then the family's preferred periods (`preferred_periods`, stored as the atlas's optional `stimulus` field by
`describe_family`): each unit, at its preferred orientation, is shown boundaries whose fine period runs over
PERIODS (coarse period fixed at discovery's); the family's fine period is the median of its units' best. Then the
coarse period runs over multiples of that fine period, the same way. Claims confirm on these periods, so a family
tuned to 3 px texture is confirmed on 3 px texture whatever its receptive field, and a family silent on all of them
leaves its claims inconclusive, never refuted.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from probes.activations.receptive_field import receptive_field
from probes.discover.screening import MIN_DRIVE, LayerScreen, divide_drive_by_natural
from probes.measures.tuning import TuningCurve, centre_responses
from probes.records.timing import timed
from probes.stimuli.protocol import HIGH_LOW_DISCOVERY as DISCOVERY  # periods as fractions of the field
from probes.stimuli.sets import high_low, high_low_set, luminance_edge
from probes.zoo import Model

MIN_VECTOR_STRENGTH = 0.5
MIN_BOUNDARY_RATIO = 2.0
MAX_FLIP = 0.5
GREY = (0.5, 0.5, 0.5)

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


# Fine periods tried (input pixels): 2.5 px (finer aliases on the pixel grid) up in steps of 2^(1/4); coarse
# periods tried, as multiples of the family's fine period.
PERIODS = tuple(float(round(2.5 * 2 ** (k / 4), 2)) for k in range(15))
COARSE_MULTIPLES = (2.5, 3.5, 5.0, 7.0, 10.0)


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


@timed("discovery screens")
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


def _best_period(model: Model, layer: str, canvas: int, units: list[int], orientations: dict[int, float],
                 candidates: list[tuple[float, float]], contrast: float) -> list[int]:
    """For each candidate (fine period, coarse period), each unit's response to that boundary at its own preferred
    orientation; per unit, the index of its best candidate (units silent on every candidate are left out)."""
    angle = torch.tensor([orientations[u] for u in units for _ in candidates])
    high = torch.tensor([1 / h for _ in units for h, _ in candidates])
    low = torch.tensor([1 / c for _ in units for _, c in candidates])
    images = high_low(canvas, angle, high, low, contrast)
    responses = centre_responses(model, layer, images, background=GREY, units=units)
    best = []
    for k in range(len(units)):
        own = responses[k * len(candidates):(k + 1) * len(candidates), k]
        if own.max() > 0:
            best.append(int(own.argmax()))
    return best


def preferred_periods(model: Model, layer: str, units: list[int], orientations: dict[int, float],
                      stimuli=DISCOVERY) -> dict[str, float]:
    """The fine and coarse periods (input pixels) the family prefers, measured on discovery-style boundaries at
    each unit's preferred orientation: {"high_period": ..., "low_period": ...}, each the median over units of
    their best. A family silent on every candidate keeps discovery's periods."""
    field_ = receptive_field(model, layer)
    fine, coarse = periods(field_.size, stimuli)
    candidates = [p for p in PERIODS if p <= max(coarse / 2, PERIODS[0])]
    best = _best_period(model, layer, field_.canvas, units, orientations, [(p, coarse) for p in candidates],
                        stimuli["contrast"])
    if best:
        fine = float(np.median([candidates[i] for i in best]))
    coarse_candidates = [fine * m for m in COARSE_MULTIPLES]
    best = _best_period(model, layer, field_.canvas, units, orientations, [(fine, c) for c in coarse_candidates],
                        stimuli["contrast"])
    if best:
        coarse = float(np.median([coarse_candidates[i] for i in best]))
    return {"high_period": round(fine, 2), "low_period": round(coarse, 2)}


def describe_family(model: Model, family):
    """The discovered family with what its claims confirm on: its preferred periods (`Family.stimulus`)."""
    return replace(family, stimulus=preferred_periods(model, family.layer, family.units,
                                                      family.preferred_orientation))

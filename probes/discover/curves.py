"""Screen a model's layers for curve detectors.

A unit qualifies when, on the discovery stimuli (curves at every orientation, at several radii, one
stroke width and one colour scheme), it is
  - orientation selective: vector strength of its curve tuning >= MIN_VECTOR_STRENGTH,
  - stable across radii: the preferred orientations at the different radii agree within MAX_RADIUS_DRIFT,
  - curve-preferring: its peak response to curves is >= MIN_CURVE_LINE_RATIO times its peak response to
    straight lines through the same point at any orientation,
  - responsive: its peak response to curves reaches MIN_DRIVE of its 99th-percentile response on
    natural images (a unit that barely moves is no detector, however tidy its tuning).
Among layers whose qualifying units number at least MIN_FAMILY and leave no orientation gap wider than
MAX_GAP, the family is the one with the highest median vector strength. The default candidates are every
spatial layer whose measured receptive field is at least MIN_FIELD pixels and fits in the input: a curve needs
room (smaller fields hold edges and lines), and where curves form depends on the network (stride 8 in
InceptionV1 and lite0, stride 2 in a small constructed network), so no stride is assumed. The natural-image
drive, the one criterion that needs photographs, is measured only for layers whose stimulus criteria already
leave a family, which keeps a screen of every layer affordable.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from probes.activations.receptive_field import receptive_field
from probes.discover.screening import (  # noqa: F401  (re-exported: one place per family)
    MAX_GAP, MIN_DRIVE, MIN_FAMILY, LayerScreen, candidate_layers, choose_family, divide_drive_by_natural,
    layers_at_stride)
from probes.measures.tuning import TuningCurve, centre_responses, circular_distance
from probes.records.timing import timed
from probes.stimuli.protocol import DISCOVERY  # the discovery stimuli; confirmation uses other radii, widths, colours
from probes.stimuli.sets import curve_set, line_set
from probes.zoo import Model

MIN_VECTOR_STRENGTH = 0.6
MAX_RADIUS_DRIFT = 30.0  # degrees
MIN_CURVE_LINE_RATIO = 2.0

CRITERIA = "vector strength, radius stability, curve/line ratio, natural drive"


@dataclass
class UnitScreen:
    unit: int
    preferred_orientation: float
    vector_strength: float
    radius_drift: float
    curve_line_ratio: float
    drive: float

    @property
    def passes_stimuli(self) -> bool:
        return (self.vector_strength >= MIN_VECTOR_STRENGTH and self.radius_drift <= MAX_RADIUS_DRIFT
                and self.curve_line_ratio >= MIN_CURVE_LINE_RATIO)

    @property
    def qualifies(self) -> bool:
        return self.passes_stimuli and self.drive >= MIN_DRIVE


@timed("discovery screens")
def measure_layer(model: Model, layer: str, stimuli=DISCOVERY) -> LayerScreen:
    """The stimulus part of `screen_layer`: every responsive unit's record, its `drive` still the peak stimulus
    response (not yet divided by its natural drive)."""
    field_ = receptive_field(model, layer)
    canvas = field_.canvas
    curves = curve_set(canvas, orientations=stimuli["orientations"],
                       radii=[f * field_.size for f in stimuli["radius_fractions"]],
                       width=max(1.0, stimuli["width_fraction"] * field_.size), span=stimuli["span"],
                       foreground=stimuli["foreground"], background=stimuli["background"])
    lines = line_set(canvas, orientations=stimuli["orientations"] // 2, length=0.6 * field_.size,
                     width=max(1.0, stimuli["width_fraction"] * field_.size),
                     foreground=stimuli["foreground"], background=stimuli["background"])
    responses = torch.from_numpy(centre_responses(model, layer, torch.cat([curves.images, lines.images]),
                                                  background=stimuli["background"]))
    curve_r, line_r = responses[: len(curves.images)], responses[len(curves.images):]

    n_radii = len(stimuli["radius_fractions"])
    orientations = curves.params["orientation"].view(n_radii, -1)[0].numpy()
    by_radius = curve_r.view(n_radii, -1, curve_r.shape[-1])  # (radius, orientation, unit)
    screen = LayerScreen(layer, field_.size)
    for unit in range(curve_r.shape[-1]):
        mean_tuning = TuningCurve(orientations, by_radius[:, :, unit].mean(0).numpy())
        if mean_tuning.peak <= 0:
            continue
        per_radius = [TuningCurve(orientations, by_radius[r, :, unit].numpy()).preferred_orientation
                      for r in range(n_radii)]
        drift = max(circular_distance(a, mean_tuning.preferred_orientation) for a in per_radius)
        line_peak = float(line_r[:, unit].max())
        ratio = mean_tuning.peak / line_peak if line_peak > 0 else float("inf")
        screen.units.append(UnitScreen(unit, float(mean_tuning.preferred_orientation),
                                       float(mean_tuning.vector_strength), float(drift), float(ratio),
                                       drive=float(by_radius[:, :, unit].max())))  # the peak, until divided below
    return screen


def screen_layer(model: Model, layer: str, natural_images: torch.Tensor, stimuli=DISCOVERY) -> LayerScreen:
    return divide_drive_by_natural(measure_layer(model, layer, stimuli), model, natural_images)


def unit_score(unit) -> float:
    """The per-unit score the screen ranks by (choose_family ranks layers by their units' median vector strength)."""
    return unit.vector_strength

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

from dataclasses import dataclass, field

import numpy as np
import torch

from probes.capture import capture
from probes.models.zoo import Model
from probes.receptive_field import receptive_field
from probes.stimuli.sets import curve_set, line_set
from probes.tuning import TuningCurve, centre_responses, circular_distance

MIN_VECTOR_STRENGTH = 0.6
MAX_RADIUS_DRIFT = 30.0  # degrees
MIN_CURVE_LINE_RATIO = 2.0
MIN_DRIVE = 0.5
MIN_FAMILY = 5
MAX_GAP = 135.0  # degrees
MIN_FIELD = 16  # pixels

# The discovery stimulus set; confirmation claims use other radii, widths and colours.
DISCOVERY = dict(orientations=36, radius_fractions=(0.2, 0.3, 0.4), width_fraction=0.04,
                 foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0), span=120.0)


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


@dataclass
class LayerScreen:
    layer: str
    receptive_field: int
    units: list[UnitScreen] = field(default_factory=list)

    @property
    def family(self) -> list[UnitScreen]:
        return sorted((u for u in self.units if u.qualifies), key=lambda u: u.preferred_orientation)

    @property
    def largest_gap(self) -> float:
        angles = sorted(u.preferred_orientation for u in self.family)
        if len(angles) < 2:
            return 360.0
        gaps = np.diff(angles + [angles[0] + 360.0])
        return float(gaps.max())


def candidate_layers(model: Model, min_field: int = MIN_FIELD) -> list[str]:
    """Spatial layers, in forward order, whose receptive field is at least `min_field` pixels and fits the input.
    Fields only grow with depth, so the search stops at the first layer that sees more than the input."""
    from probes.capture import layer_shapes

    chosen = []
    for name, shape in layer_shapes(model).items():
        if len(shape) != 3:
            continue
        field_ = receptive_field(model, name)
        if field_.clipped or field_.size > model.input_size:
            break
        if field_.size >= min_field:
            chosen.append(name)
    return chosen


def layers_at_stride(model: Model, stride: int) -> list[str]:
    """Spatial layers, in forward order, whose maps are the input size divided by `stride` (rounded up)."""
    import math

    from probes.capture import layer_shapes

    size = math.ceil(model.input_size / stride)
    return [name for name, shape in layer_shapes(model).items() if len(shape) == 3 and shape[-1] == size]


def choose_family(screens: list[LayerScreen]) -> LayerScreen | None:
    eligible = [s for s in screens if len(s.family) >= MIN_FAMILY and s.largest_gap <= MAX_GAP]
    if not eligible:
        return None
    return max(eligible, key=lambda s: float(np.median([u.vector_strength for u in s.family])))


def natural_drive(model: Model, layer: str, images: torch.Tensor) -> torch.Tensor:
    """Each unit's 99th-percentile response over all positions of the natural images."""
    acts = capture(model, images, layer)[layer]
    flat = acts.transpose(0, 1).reshape(acts.shape[1], -1)
    return torch.quantile(flat[:, :: max(1, flat.shape[1] // 200_000)], 0.99, dim=1)


def screen_layer(model: Model, layer: str, natural_images: torch.Tensor, stimuli=DISCOVERY) -> LayerScreen:
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
    if sum(u.passes_stimuli for u in screen.units) >= MIN_FAMILY:
        natural = natural_drive(model, layer, natural_images)
        for unit in screen.units:
            unit.drive /= max(float(natural[unit.unit]), 1e-6)
    else:  # no family here whatever the photographs say: skip the costly pass
        for unit in screen.units:
            unit.drive = 0.0
    return screen

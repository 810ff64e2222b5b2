"""Reading a curve unit's weights position by position (Curve Circuits: "tangent alignment").

The Curve Circuits article shows a curve detector's expanded weights as maps: at each position along the unit's
preferred arc it is excited by earlier units whose orientation matches the arc's tangent there, and along the
opposing arc (the curve turned by 180 degrees) the same kind of input inhibits it. Summed over positions those
signs cancel, so this instrument never sums: it samples the weight maps at points along both arcs.

Earlier units are characterised by their own tuning, measured with stimuli at their own receptive field:
line-like units (180-degree period: lines, edges) by their response to straight lines, curve-like units
(360-degree period) by their response to curves. A unit counts as orientation selective when the better of the
two tunings has vector strength >= MIN_SELECTIVITY.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from probes.activations.receptive_field import receptive_field
from probes.circuits.wiring import expanded_weights
from probes.measures.tuning import TuningCurve, centre_responses, tuning_curves
from probes.stimuli.sets import arc_points, curve_set, line_set
from probes.zoo import Model

MIN_SELECTIVITY = 0.5


@dataclass(frozen=True)
class SourceTuning:
    unit: int
    orientation: float  # degrees: a line's orientation (period 180) or a curve's (period 360)
    period: float
    selectivity: float


def _axial_strength(curve: TuningCurve) -> tuple[float, float]:
    """Preferred orientation and vector strength of a 180-degree-periodic tuning (angles doubled)."""
    doubled = TuningCurve((2 * curve.orientations) % 360.0, curve.responses)
    return doubled.preferred_orientation / 2, doubled.vector_strength


def source_tuning(model: Model, layer: str, style: dict) -> list[SourceTuning]:
    """Every unit of `layer` characterised by line and curve stimuli at its own receptive field.
    `style`: width_fraction, radius_fractions, span, foreground, background."""
    field = receptive_field(model, layer)
    width = max(1.0, style["width_fraction"] * field.size)
    colours = dict(foreground=style["foreground"], background=style["background"])
    lines = line_set(field.canvas, orientations=36, length=0.6 * field.size, width=width, **colours)
    curves = curve_set(field.canvas, orientations=36, radii=[f * field.size for f in style["radius_fractions"]],
                       width=width, span=style["span"], **colours)
    line_r = centre_responses(model, layer, lines.images, background=style["background"])
    curve_r = centre_responses(model, layer, curves.images, background=style["background"])
    line_curves = tuning_curves(line_r, lines.params["orientation"].numpy())
    curve_curves = tuning_curves(curve_r, curves.params["orientation"].numpy())
    tuned = []
    for unit, (as_line, as_curve) in enumerate(zip(line_curves, curve_curves)):
        line_orientation, line_strength = _axial_strength(as_line) if as_line.peak > 0 else (0.0, 0.0)
        curve_strength = as_curve.vector_strength if as_curve.peak > 0 else 0.0
        if line_strength >= curve_strength:
            tuned.append(SourceTuning(unit, line_orientation, 180.0, line_strength))
        else:
            tuned.append(SourceTuning(unit, as_curve.preferred_orientation, 360.0, curve_strength))
    return tuned


@dataclass(frozen=True)
class ArcReading:
    """Standardised weights of one target unit sampled along its preferred and opposing arcs.

    weights: (points, sources), each source's map standardised over positions (zero mean, unit variance), so
    sources with large and small weights count alike; alignment: (points, sources), 1 when the source's
    orientation matches the arc there (tangent for line-like sources, normal for curve-like ones), -1 opposite."""

    preferred_weights: np.ndarray
    preferred_alignment: np.ndarray
    opposing_weights: np.ndarray
    opposing_alignment: np.ndarray

    @property
    def tangent_correlation(self) -> float:
        """Pearson r of weight and alignment along the preferred arc."""
        w, a = self.preferred_weights.ravel(), self.preferred_alignment.ravel()
        if w.std() == 0 or a.std() == 0:
            return 0.0
        return float(np.corrcoef(w, a)[0, 1])

    def opponent_contrast(self, aligned: float = 0.7) -> float:
        """Mean weight of aligned inputs on the preferred arc minus on the opposing arc (standard deviations)."""
        here = self.preferred_weights[self.preferred_alignment >= aligned]
        there = self.opposing_weights[self.opposing_alignment >= aligned]
        if not len(here) or not len(there):
            return 0.0
        return float(here.mean() - there.mean())


def _alignment(sources: list[SourceTuning], normal: torch.Tensor) -> np.ndarray:
    orientation = torch.tensor([s.orientation for s in sources])
    line_like = torch.tensor([s.period == 180.0 for s in sources])
    tangent = normal[:, None] + 90.0
    as_line = torch.cos(torch.deg2rad(2 * (orientation[None, :] - tangent)))
    as_curve = torch.cos(torch.deg2rad(orientation[None, :] - normal[:, None]))
    return torch.where(line_like[None, :], as_line, as_curve).numpy()


def _sample(maps: torch.Tensor, x: torch.Tensor, y: torch.Tensor, canvas: int) -> np.ndarray:
    """Bilinear samples (points, sources) of maps (sources, H, W) at input-pixel offsets (x, y up) from the
    canvas centre."""
    height, width = maps.shape[-2:]
    centre = (canvas - 1) / 2

    def index(offset, size):  # the inverse of probes.photographs.images.unit_centre
        return (offset + centre + 0.5) * size / canvas - 0.5

    grid_x = 2 * index(x, width) / max(width - 1, 1) - 1
    grid_y = 2 * index(-y, height) / max(height - 1, 1) - 1
    grid = torch.stack([grid_x, grid_y], dim=-1).view(1, 1, -1, 2)
    sampled = F.grid_sample(maps.unsqueeze(0), grid, align_corners=True, padding_mode="zeros")
    return sampled[0, :, 0].T.numpy()


def read_arcs(model: Model, source: str, target: str, units: dict[int, float], sources: list[SourceTuning], *,
              radius_fraction: float = 0.3, span: float = 120.0, points: int = 25) -> dict[int, ArcReading]:
    """For each target unit (unit -> preferred orientation), its expanded weights from the `sources` of layer
    `source`, read along its preferred arc and the opposing arc at `radius_fraction` of its field."""
    field = receptive_field(model, target)
    unit_list = list(units)
    maps = expanded_weights(model, source, target, unit_list, size=field.canvas)  # (units, C, H, W)
    maps = maps[:, [s.unit for s in sources]]
    flat = maps.flatten(2)
    spread = flat.std(-1)  # (units, sources)
    standardised = (maps - flat.mean(-1)[..., None, None]) / spread.clamp_min(1e-12)[..., None, None]
    radius = radius_fraction * field.size
    readings = {}
    for index, unit in enumerate(unit_list):
        # a source with no path into this unit at all says nothing about alignment: leave it out
        connected = (spread[index] > 1e-6 * spread[index].max()).nonzero().flatten().tolist()
        reached = [sources[j] for j in connected]
        arcs = []
        for orientation in (units[unit], units[unit] + 180.0):
            x, y, normal = arc_points(orientation, radius, span, points)
            arcs += [_sample(standardised[index, connected], x, y, field.canvas), _alignment(reached, normal)]
        readings[unit] = ArcReading(*arcs)
    return readings

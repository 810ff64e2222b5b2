"""Stimulus sets: full factorial sweeps of curves and lines, rendered in one vectorised pass.

Convention (shared by every stimulus): angles in degrees, counter-clockwise from +x with y pointing UP.
A curve is an arc of a circle whose midpoint sits at the canvas centre; its orientation is the direction
from the circle's centre to the arc's midpoint, so orientation 90 is the top of a circle ("∩").
Strokes are antialiased: coverage falls linearly over one pixel at the stroke's edge.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
from torch import Tensor

from probes.records.timing import timed


@dataclass
class StimulusSet:
    """Images (N, 3, S, S) in [0, 1] and the parameters that made each one (dict of (N,) tensors)."""

    images: Tensor
    params: dict[str, Tensor]

    def __len__(self) -> int:
        return len(self.images)


def _grid(size: int) -> tuple[Tensor, Tensor]:
    """Pixel-centre coordinates with the origin at the canvas centre, y up."""
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    y, x = torch.meshgrid(-coords, coords, indexing="ij")
    return x, y


def _paint(distance: Tensor, width: Tensor, foreground, background) -> Tensor:
    coverage = (width.view(-1, 1, 1) / 2 + 0.5 - distance).clamp(0, 1)
    fg = torch.as_tensor(foreground, dtype=torch.float32).view(1, 3, 1, 1)
    bg = torch.as_tensor(background, dtype=torch.float32).view(1, 3, 1, 1)
    return bg + (fg - bg) * coverage.unsqueeze(1)


CHUNK = 256  # images rendered per pass: keeps the per-pixel temporaries in cache (3x faster than one pass)


def _in_chunks(render, size: int, *columns: Tensor, **style) -> Tensor:
    return torch.cat([render(size, *(column[i:i + CHUNK] for column in columns), **style)
                      for i in range(0, len(columns[0]), CHUNK)])


def factorial(**values) -> dict[str, Tensor]:
    """Every combination of the given parameter values, first parameter varying slowest."""
    names = list(values)
    rows = list(itertools.product(*(list(map(float, v)) for v in values.values())))
    table = torch.tensor(rows, dtype=torch.float32)
    return {name: table[:, i] for i, name in enumerate(names)}


def arcs(size: int, orientation: Tensor, radius: Tensor, span: Tensor, width: Tensor,
         foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Tensor:
    """Arcs with their midpoint at the canvas centre; all parameters (N,) tensors."""
    x, y = _grid(size)
    theta = torch.deg2rad(orientation).view(-1, 1, 1)
    r = radius.view(-1, 1, 1)
    cos_t, sin_t = torch.cos(theta), torch.sin(theta)
    dx, dy = x + r * cos_t, y + r * sin_t  # relative to the circle's centre
    rho = torch.sqrt(dx ** 2 + dy ** 2)
    half_span = torch.deg2rad(span).view(-1, 1, 1) / 2
    # on the arc's side of the circle: the angle to the midpoint direction is within half the span
    on_arc = dx * cos_t + dy * sin_t >= rho * torch.cos(half_span)
    to_end = None
    for sign in (-1, 1):
        ex = -r * cos_t + r * torch.cos(theta + sign * half_span)
        ey = -r * sin_t + r * torch.sin(theta + sign * half_span)
        d = (x - ex) ** 2 + (y - ey) ** 2
        to_end = d if to_end is None else torch.minimum(to_end, d)
    distance = torch.where(on_arc, (rho - r).abs(), torch.sqrt(to_end))
    return _paint(distance, width, foreground, background)


def arc_points(orientation: float, radius: float, span: float, count: int) -> tuple[Tensor, Tensor, Tensor]:
    """(x, y, normal): `count` points along the arc of `arcs`'s convention (midpoint at the origin, circle centre
    opposite `orientation`), and the direction of the outward normal at each, in degrees."""
    theta = math.radians(orientation)
    normal = torch.linspace(orientation - span / 2, orientation + span / 2, count)
    phi = torch.deg2rad(normal)
    x = -radius * math.cos(theta) + radius * torch.cos(phi)
    y = -radius * math.sin(theta) + radius * torch.sin(phi)
    return x, y, normal


def segments(size: int, orientation: Tensor, length: Tensor, width: Tensor,
             foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Tensor:
    """Straight segments centred on the canvas; orientation in degrees (mod 180)."""
    x, y = _grid(size)
    theta = torch.deg2rad(orientation).view(-1, 1, 1)
    along = x * torch.cos(theta) + y * torch.sin(theta)
    across = -x * torch.sin(theta) + y * torch.cos(theta)
    overshoot = (along.abs() - length.view(-1, 1, 1) / 2).clamp(min=0)
    distance = torch.sqrt(across ** 2 + overshoot ** 2)
    return _paint(distance, width, foreground, background)


@timed("stimuli", model_argument=None)
def curve_set(size: int, *, orientations: int, radii, width: float, span: float = 120.0,
              foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> StimulusSet:
    """Curves at `orientations` evenly spaced orientations over 360 degrees, for each radius (radius slowest)."""
    params = factorial(radius=radii, orientation=torch.arange(orientations) * 360.0 / orientations)
    n = len(params["radius"])
    images = _in_chunks(arcs, size, params["orientation"], params["radius"], torch.full((n,), span),
                        torch.full((n,), width), foreground=foreground, background=background)
    return StimulusSet(images, params)


@timed("stimuli", model_argument=None)
def line_set(size: int, *, orientations: int, length: float, width: float,
             foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> StimulusSet:
    """Straight lines through the centre at `orientations` evenly spaced orientations over 180 degrees."""
    params = factorial(orientation=torch.arange(orientations) * 180.0 / orientations)
    n = len(params["orientation"])
    images = _in_chunks(segments, size, params["orientation"], torch.full((n,), length), torch.full((n,), width),
                        foreground=foreground, background=background)
    return StimulusSet(images, params)


def corners(size: int, orientation: Tensor, opening: Tensor, length: Tensor, width: Tensor,
            foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Tensor:
    """Sharp angles with the apex at the centre pointing towards `orientation` (a "∧" at 90 degrees, the
    straight-edged counterpart of a curve of that orientation); `opening` is the angle between the rays."""
    x, y = _grid(size)
    distances = []
    for side in (-1, 1):
        direction = torch.deg2rad(orientation + 180 + side * opening / 2).view(-1, 1, 1)
        along = (x * torch.cos(direction) + y * torch.sin(direction)).clamp(min=0)
        along = torch.minimum(along, length.view(-1, 1, 1))
        distances.append(torch.sqrt((x - along * torch.cos(direction)) ** 2 + (y - along * torch.sin(direction)) ** 2))
    return _paint(torch.minimum(*distances), width, foreground, background)


@timed("stimuli", model_argument=None)
def outlines(size: int, shape: str, radius: Tensor, width: Tensor,
             foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Tensor:
    """Centred outlines of circles or squares; `radius` is the circle's radius or half the square's side."""
    x, y = _grid(size)
    r = radius.view(-1, 1, 1)
    if shape == "circle":
        distance = (torch.sqrt(x ** 2 + y ** 2) - r).abs()
    elif shape == "square":
        outside = torch.sqrt((x.abs() - r).clamp(min=0) ** 2 + (y.abs() - r).clamp(min=0) ** 2)
        inside = torch.maximum(x.abs(), y.abs()) - r
        distance = torch.where(inside > 0, outside, inside.abs())
    else:
        raise ValueError(f"unknown shape {shape!r}; 'circle' or 'square'")
    return _paint(distance, width, foreground, background)


@timed("stimuli", model_argument=None)
def corner_set(size: int, *, orientations: int, opening: float, length: float, width: float,
               foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> StimulusSet:
    params = factorial(orientation=torch.arange(orientations) * 360.0 / orientations)
    n = len(params["orientation"])
    images = _in_chunks(corners, size, params["orientation"], torch.full((n,), opening), torch.full((n,), length),
                        torch.full((n,), width), foreground=foreground, background=background)
    return StimulusSet(images, params)


def high_low(size: int, orientation: Tensor, high: Tensor, low: Tensor, contrast: float = 0.8) -> Tensor:
    """Oriented high-low frequency boundaries (the Early Vision articles' high-low frequency detectors): a
    straight boundary through the centre, a fine plaid (`high` cycles per pixel) on the side that
    `orientation` points to, a coarse one (`low` cycles per pixel) on the other. Grey, same mean and contrast."""
    x, y = _grid(size)
    theta = torch.deg2rad(orientation).view(-1, 1, 1)
    side = x * torch.cos(theta) + y * torch.sin(theta)

    def plaid(frequency):
        f = 2 * math.pi * frequency.view(-1, 1, 1)
        return 0.5 * (torch.sin(f * x) + torch.sin(f * y))

    # a half-pixel ramp across the boundary keeps it antialiased
    mix = (side + 0.5).clamp(0, 1)
    texture = mix * plaid(high) + (1 - mix) * plaid(low)
    image = 0.5 + 0.5 * contrast * texture
    return image.unsqueeze(1).expand(-1, 3, -1, -1).clamp(0, 1)


def luminance_edge(size: int, orientation: Tensor, contrast: float = 0.8) -> Tensor:
    """A plain brightness step through the centre, brighter on the side `orientation` points to, no texture:
    the boundary a high-low frequency detector must not mistake for its own."""
    x, y = _grid(size)
    theta = torch.deg2rad(orientation).view(-1, 1, 1)
    side = x * torch.cos(theta) + y * torch.sin(theta)
    image = 0.5 + 0.5 * contrast * ((side + 0.5).clamp(0, 1) * 2 - 1)
    return image.unsqueeze(1).expand(-1, 3, -1, -1).clamp(0, 1)


def grating(size: int, orientation: Tensor, period: Tensor, phase: Tensor, contrast: float = 0.8) -> Tensor:
    """Sinusoidal luminance gratings whose stripes run across `orientation` (degrees; the wave travels along it,
    so a grating of orientation t and one of t + 180 are the same stimulus), grey mean."""
    x, y = _grid(size)
    theta = torch.deg2rad(orientation).view(-1, 1, 1)
    along = x * torch.cos(theta) + y * torch.sin(theta)
    wave = torch.sin(2 * math.pi * along / period.view(-1, 1, 1) + phase.view(-1, 1, 1))
    return (0.5 + 0.5 * contrast * wave).unsqueeze(1).expand(-1, 3, -1, -1).clamp(0, 1)


@timed("stimuli", model_argument=None)
def grating_set(size: int, *, orientations: int, period: float, phases: int = 4, contrast: float = 0.8) -> StimulusSet:
    """Gratings at `orientations` evenly spaced axes over half a turn, each at `phases` evenly spaced phases."""
    params = factorial(orientation=torch.arange(orientations) * 180.0 / orientations,
                       phase=torch.arange(phases) * 2 * math.pi / phases)
    n = len(params["orientation"])
    return StimulusSet(grating(size, params["orientation"], torch.full((n,), float(period)), params["phase"],
                               contrast), params)


@timed("stimuli", model_argument=None)
def high_low_set(size: int, *, orientations: int, high_period: float, low_period: float,
                 contrast: float = 0.8) -> StimulusSet:
    """High-low boundaries at `orientations` evenly spaced orientations over 360 degrees, with the fine texture's
    and the coarse texture's periods in pixels."""
    params = factorial(orientation=torch.arange(orientations) * 360.0 / orientations)
    n = len(params["orientation"])
    images = high_low(size, params["orientation"], torch.full((n,), 1.0 / high_period),
                      torch.full((n,), 1.0 / low_period), contrast)
    return StimulusSet(images, params)

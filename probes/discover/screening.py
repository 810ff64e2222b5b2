"""What every family's screen shares: a layer's screened units, the candidate layers, the choice of the family's
layer, and the natural-image drive.

A family screen (probes/discover/curves.py, probes/discover/high_low.py) scores each unit of a layer on its own
discovery stimuli; its unit records have `unit`, `preferred_orientation`, `vector_strength` and `qualifies`.
Among layers whose qualifying units number at least MIN_FAMILY and leave no orientation gap wider than MAX_GAP,
the family is the one with the highest median vector strength.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from probes.activations.capture import layer_shapes, passes
from probes.activations.receptive_field import receptive_field
from probes.activations.store import network_key, stored, tensor_digest
from probes.records.timing import network_of
from probes.zoo import Model

MIN_DRIVE = 0.5  # a unit's peak stimulus response over its 99th-percentile response on photographs
MIN_FAMILY = 5
MAX_GAP = 135.0  # degrees
MIN_FIELD = 16  # pixels
POSITIONS = 200_000  # about how many positions per unit the natural drive's percentile reads
BATCH = 32  # photographs per forward pass of the natural drive
QUANTILE_ROWS = 16  # units per quantile call


@dataclass
class LayerScreen:
    layer: str
    receptive_field: int
    units: list = field(default_factory=list)

    @property
    def family(self) -> list:
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
    size = math.ceil(model.input_size / stride)
    return [name for name, shape in layer_shapes(model).items() if len(shape) == 3 and shape[-1] == size]


def choose_family(screens: list[LayerScreen]) -> LayerScreen | None:
    eligible = [s for s in screens if len(s.family) >= MIN_FAMILY and s.largest_gap <= MAX_GAP]
    if not eligible:
        return None
    return max(eligible, key=lambda s: float(np.median([u.vector_strength for u in s.family])))


def natural_drive(model: Model, layer: str, images: torch.Tensor, *, batch_size: int = BATCH) -> torch.Tensor:
    """Each unit's 99th-percentile response over all positions of the natural images (a `PositionSample` of
    them). Kept in the disk store (probes.activations.store), so a screen run again, and the claims that screen a
    layer again, read it there."""
    return stored("natural drive", (network_key(model), layer, tensor_digest(images)),
                  lambda: natural_responses(model, images, [layer], [], batch_size=batch_size).drive[layer],
                  network=network_of(model))


@dataclass
class NaturalResponses:
    """One pass of the photographs: each unit's 99th-percentile response (`natural_drive`) on the orientation
    screens' layers, and each photograph's peak response per unit on the late layers."""

    drive: dict[str, torch.Tensor] = field(default_factory=dict)  # layer -> (C,)
    peaks: dict[str, np.ndarray] = field(default_factory=dict)  # layer -> (N, C)


def natural_responses(model: Model, images: torch.Tensor, drive_layers: list[str], peak_layers: list[str], *,
                      batch_size: int = BATCH) -> NaturalResponses:
    """Both reductions in one batched pass: a null twin's rescreen needs the drive of some layers and the peaks of
    others, and pays for the photographs once."""
    names = list(dict.fromkeys(drive_layers + peak_layers))
    out = NaturalResponses()
    if not names or not len(images):
        return out
    samples = {layer: PositionSample(len(images)) for layer in drive_layers}
    peaks: dict[str, list[np.ndarray]] = {layer: [] for layer in peak_layers}
    with torch.inference_mode():
        for start, maps in passes(model, images, names, batch_size=batch_size):
            for layer in drive_layers:
                samples[layer].add(start, maps[layer])
            for layer in peak_layers:
                value = maps[layer]
                peaks[layer].append((value.amax((-2, -1)) if value.ndim == 4 else value).numpy())
    for layer in drive_layers:
        out.drive[layer] = samples[layer].percentile(0.99)
    for layer in peak_layers:
        out.peaks[layer] = np.concatenate(peaks[layer])
    return out


class PositionSample:
    """Every step-th value of each unit's responses flattened over (image, row, column), the step chosen so that
    about POSITIONS remain, gathered batch by batch into one preallocated (units, kept) tensor: the whole layer on
    every photograph is never held (376 MB for 500 photographs at Lite0's blocks.5.expand, 2.4 GB at its
    blocks.1.expand), and the values, hence the percentile, are those of the whole layer's subsample."""

    def __init__(self, images: int):
        self.images = images
        self.step = 0
        self.kept: torch.Tensor | None = None

    def add(self, start: int, value: torch.Tensor) -> None:
        """Add the responses (B, C, H, W) of images start .. start + B - 1."""
        per_image = value.shape[-2] * value.shape[-1]
        if self.kept is None:
            self.step = max(1, self.images * per_image // POSITIONS)
            self.kept = torch.empty(value.shape[1], math.ceil(self.images * per_image / self.step))
        offset = start * per_image
        first = (-offset) % self.step  # the first flat index at or after `offset` that is a multiple of the step
        picked = value.transpose(0, 1).reshape(value.shape[1], -1)[:, first::self.step]
        at = (offset + first) // self.step
        self.kept[:, at:at + picked.shape[1]] = picked

    def percentile(self, q: float) -> torch.Tensor:
        """Each unit's q-quantile of its sample, a few units at a time (quantile sorts a copy of its input)."""
        if self.kept is None:
            raise ValueError("no responses were added: a percentile over no photographs")
        return torch.cat([torch.quantile(rows, q, dim=1) for rows in self.kept.split(QUANTILE_ROWS)])


def divide_drive_by_natural(screen: LayerScreen, model: Model, natural_images: torch.Tensor) -> LayerScreen:
    """Turn each unit's `drive` (its peak stimulus response) into a fraction of its natural drive. Only layers
    whose stimulus criteria already leave a family pay for the pass over the photographs; elsewhere drive is 0."""
    if sum(u.passes_stimuli for u in screen.units) >= MIN_FAMILY:
        natural = natural_drive(model, screen.layer, natural_images)
        for unit in screen.units:
            unit.drive /= max(float(natural[unit.unit]), 1e-6)
    else:
        for unit in screen.units:
            unit.drive = 0.0
    return screen

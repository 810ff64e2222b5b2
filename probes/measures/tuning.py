"""Tuning analysis: orientation tuning curves and circular statistics, on plain arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from probes.activations.store import network_key, stored, tensor_digest
from probes.records.timing import network_of, timed


def circular_distance(a, b, period: float = 360.0):
    """Smallest absolute angular difference, in the units of `period`."""
    difference = np.remainder(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), period)
    return np.minimum(difference, period - difference)


@dataclass(frozen=True)
class TuningCurve:
    """Responses of one unit to stimuli at `orientations` (degrees over the full turn)."""

    orientations: np.ndarray
    responses: np.ndarray

    def _resultant(self, harmonic: int = 1) -> complex:
        weights = np.clip(np.asarray(self.responses, dtype=float), 0, None)
        return complex(np.sum(weights * np.exp(1j * harmonic * np.deg2rad(self.orientations))))

    def _strength(self, harmonic: int) -> float:
        total = float(np.sum(np.clip(self.responses, 0, None)))
        return abs(self._resultant(harmonic)) / total if total > 0 else 0.0

    @property
    def peak(self) -> float:
        return float(np.max(self.responses))

    @property
    def preferred_orientation(self) -> float:
        """Circular mean of the rectified responses, degrees in [0, 360)."""
        return float(np.rad2deg(np.angle(self._resultant())) % 360.0)

    @property
    def vector_strength(self) -> float:
        """|resultant| / total rectified response: 1 for a single orientation, 0 for a flat curve."""
        return self._strength(1)

    @property
    def circular_variance(self) -> float:
        return 1.0 - self.vector_strength

    def response_at(self, orientation: float) -> float:
        """Response at the sampled orientation nearest to `orientation`."""
        return float(self.responses[int(np.argmin(circular_distance(self.orientations, orientation)))])

    @property
    def echo_ratio(self) -> float:
        """Response 180 degrees from the peak, relative to the peak (the paper's "echo")."""
        peak_at = self.orientations[int(np.argmax(self.responses))]
        return self.response_at(peak_at + 180.0) / self.peak if self.peak > 0 else 0.0

    @property
    def tuning_width(self) -> float:
        """Full width at half maximum around the peak, degrees (360 if it never falls to half)."""
        order = np.argsort(self.orientations)
        angles, values = np.asarray(self.orientations)[order], np.asarray(self.responses)[order]
        top = int(np.argmax(values))
        half = values[top] / 2
        step = 360.0 / len(angles)
        width = step
        for direction in (1, -1):
            k = 1
            while k < len(angles) and values[(top + direction * k) % len(angles)] >= half:
                k += 1
            width += (k - 1) * step
        return float(min(width, 360.0))


def orientation_selectivity(orientations, responses, period: float = 360.0) -> float:
    """(R_peak - R_orthogonal) / (R_peak + R_orthogonal) of rectified responses, R_orthogonal the larger response
    at the sampled orientations nearest to 90 degrees either side of the peak: 1 for a unit silent across its
    preferred orientation (a cosine-tuned edge unit too), 0 for no preference. `period`: 360 for directions, 180
    for axes (gratings)."""
    orientations = np.asarray(orientations, dtype=float)
    responses = np.clip(np.asarray(responses, dtype=float), 0, None)
    top = int(np.argmax(responses))
    peak = responses[top]
    if peak <= 0:
        return 0.0
    orthogonal = max(responses[int(np.argmin(circular_distance(orientations, orientations[top] + side, period)))]
                     for side in (90.0, -90.0))
    return float((peak - orthogonal) / (peak + orthogonal))


def circular_correlation(a, b) -> float:
    """Fisher and Lee's (1983) circular-circular correlation of paired angles in degrees: 1 when b
    follows a exactly, -1 when it mirrors it, about 0 when unrelated. Unlike Jammalamadaka's coefficient it
    stays well defined for angles spread uniformly over the circle, as rotation sweeps are."""
    a, b = np.deg2rad(np.asarray(a, float)), np.deg2rad(np.asarray(b, float))
    sa = np.sin(a[:, None] - a[None, :])
    sb = np.sin(b[:, None] - b[None, :])
    denominator = np.sqrt(np.sum(sa ** 2) * np.sum(sb ** 2))
    return float(np.sum(sa * sb) / denominator) if denominator > 0 else 0.0


def tuning_curves(responses: np.ndarray, orientation: np.ndarray) -> list[TuningCurve]:
    """Per unit (column of `responses`, one row per stimulus), its tuning curve over orientation,
    averaged across every other stimulus parameter."""
    angles = np.unique(orientation)
    mean = np.stack([responses[orientation == a].mean(0) for a in angles])
    return [TuningCurve(angles, mean[:, k]) for k in range(mean.shape[1])]


@timed("stimulus responses")
def centre_responses(model, layer: str, images, *, background, units=None, pre_activation: bool = False) -> np.ndarray:
    """Responses of the centre units of `layer` to stimuli rendered at its receptive-field canvas, relative to a
    blank canvas of the stimuli's background colour: (stimuli, units) in one forward pass. Rectified, unless
    read before the activation (where inhibition shows as a negative response). Kept in the disk store
    (probes.activations.store) unless a hook (an ablation) is in place."""
    parts = (network_key(model), layer, tensor_digest(images), tuple(float(c) for c in background),
             "all" if units is None else tuple(int(u) for u in units), pre_activation)
    return stored("stimulus responses", parts, lambda: _centre_responses(model, layer, images, background, units,
                                                                         pre_activation), network=network_of(model))


def _centre_responses(model, layer, images, background, units, pre_activation) -> np.ndarray:
    import torch

    from probes.activations.capture import capture

    blank = torch.ones(1, 3, *images.shape[-2:]) * torch.tensor(background, dtype=torch.float32).view(1, 3, 1, 1)
    out = capture(model, torch.cat([images, blank]), layer, center=True, pre_activation=pre_activation)[layer]
    if units is not None:
        out = out[:, list(units)]
    relative = out[:-1] - out[-1]
    return (relative if pre_activation else relative.clamp(min=0)).numpy()


@dataclass(frozen=True)
class JointTuning:
    """Which unit of a family wins each stimulus of a rotation sweep, over the stimuli the family answers.

    errors: |stimulus orientation - winner's orientation| (degrees) for each responsive stimulus;
    silent: fraction of stimuli to which no unit responds (they have no winner: an argmax over zeros would
    hand them to the first unit and count a meaningless error)."""

    errors: np.ndarray
    stimulus_orientation: np.ndarray
    winner_orientation: np.ndarray
    silent: float

    def within(self, tolerance: float) -> float:
        """Fraction of responsive stimuli whose winner is within `tolerance`; NaN when none is responsive."""
        return float(np.mean(self.errors <= tolerance)) if len(self.errors) else float("nan")

    @property
    def correlation(self) -> float:
        """Fisher-Lee circular correlation over the responsive stimuli; NaN with fewer than two."""
        if len(self.errors) < 2:
            return float("nan")
        return circular_correlation(self.stimulus_orientation, self.winner_orientation)


def joint_tuning(responses: np.ndarray, stimulus_orientation: np.ndarray, unit_orientation: np.ndarray, *,
                 scale: np.ndarray | None = None, silent_below: float = 0.05) -> JointTuning:
    """responses (stimuli, units), rectified. Each unit's responses are divided by `scale` (default: its peak
    over the sweep) so one loud unit doesn't win everywhere; a stimulus is silent when no normalised response
    reaches `silent_below`."""
    scale = responses.max(0) if scale is None else scale
    normalised = responses / np.maximum(scale, 1e-12)
    responsive = normalised.max(1) >= silent_below
    winners = np.asarray(unit_orientation)[np.argmax(normalised[responsive], axis=1)]
    stimuli = np.asarray(stimulus_orientation)[responsive]
    return JointTuning(circular_distance(stimuli, winners), stimuli, winners, float(1 - responsive.mean()))

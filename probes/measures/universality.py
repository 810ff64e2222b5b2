"""Comparing units and layers across networks: response profiles, best matches, linear CKA.

A unit's response profile is what it does on inputs both networks can be shown: its centre responses to a
stimulus set rendered at its own receptive-field canvas, and its largest response to each of a set of
photographs. Units of two networks are matched by the correlation of their profiles (Li et al. 2016,
"Convergent Learning"); layers are compared by linear CKA (Kornblith et al. 2019), which is invariant to any
rotation and scaling of either layer's units, so it needs no matching at all.

Linear CKA as Kornblith et al. compute it is biased upwards when the number of inputs is not much larger than
the number of units: two independent Gaussian layers of 480 units on 500 inputs score about 0.5. `debiased_cka`
uses the unbiased estimator of HSIC (Song et al. 2012; Nguyen et al. 2021), under which independent layers score
about 0 whatever their sizes, so layers of different widths (lite0's curve layer has 240 units, Inception-v3's
96) compare fairly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from probes.activations.capture import capture
from probes.activations.receptive_field import receptive_field
from probes.measures.tuning import centre_responses
from probes.photographs.images import split_positions
from probes.stimuli.protocol import CONFIRMATION, curve_style
from probes.stimuli.sets import curve_set


def standardised(columns: np.ndarray) -> np.ndarray:
    """Each column (a unit) centred and scaled to unit norm; a unit that never varies becomes zeros (it
    correlates with nothing) rather than NaN."""
    centred = columns - columns.mean(0, keepdims=True)
    norms = np.linalg.norm(centred, axis=0, keepdims=True)
    return np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 1e-12)


def response_profiles(stimulus_responses: np.ndarray, photograph_maxima: np.ndarray) -> np.ndarray:
    """(inputs, units): both parts standardised per unit and weighted equally, whatever their lengths."""
    parts = [standardised(np.asarray(part, dtype=np.float64)) / np.sqrt(2.0)
             for part in (stimulus_responses, photograph_maxima)]
    return np.concatenate(parts, axis=0)


@dataclass(frozen=True)
class Matches:
    """For each unit of A asked about: its best-correlated unit of B, and that correlation."""

    units: list[int]
    best: np.ndarray
    correlation: np.ndarray


def best_matches(profiles_a: np.ndarray, profiles_b: np.ndarray, units_a) -> Matches:
    """Profiles as from `response_profiles` (unit-norm columns), so their dot products are correlations."""
    units_a = [int(u) for u in units_a]
    correlations = profiles_a[:, units_a].T @ profiles_b  # (len(units_a), units of B)
    best = correlations.argmax(1)
    return Matches(units_a, best, correlations[np.arange(len(units_a)), best])


def linear_cka(x: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray) -> float:
    """Linear centred kernel alignment of two representations of the same n inputs, (n, p) and (n, q)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    x, y = x - x.mean(0), y - y.mean(0)
    cross = (y.T @ x).norm() ** 2
    denominator = (x.T @ x).norm() * (y.T @ y).norm()
    return float(cross / denominator) if denominator > 0 else 0.0


def _unbiased_hsic(gram_x: torch.Tensor, gram_y: torch.Tensor) -> torch.Tensor:
    """Song et al.'s (2012) unbiased HSIC from two Gram matrices of the same n >= 4 inputs (diagonals ignored)."""
    n = gram_x.shape[0]
    k, l = gram_x.clone(), gram_y.clone()
    k.fill_diagonal_(0)
    l.fill_diagonal_(0)
    ones_k, ones_l = k.sum(1), l.sum(1)  # K1 and L1
    trace = (k * l).sum()
    return (trace + ones_k.sum() * ones_l.sum() / ((n - 1) * (n - 2)) - 2 * (ones_k @ ones_l) / (n - 2)) / (n * (n - 3))


def debiased_cka(x: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray) -> float:
    """Linear CKA with unbiased HSIC, of (n, p) and (n, q) representations of the same n distinct inputs.

    About 0 for independent layers (it can fall slightly below 0), 1 for layers equal up to rotation and scale.
    A repeated input counts as a perfectly similar pair of inputs, so a bootstrap resample must keep each drawn
    input once (`distinct_rows`)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    if len(x) < 4:
        raise ValueError(f"debiased CKA needs at least 4 inputs, got {len(x)}")
    gram_x, gram_y = x @ x.T, y @ y.T
    denominator = _unbiased_hsic(gram_x, gram_x) * _unbiased_hsic(gram_y, gram_y)
    return float(_unbiased_hsic(gram_x, gram_y) / denominator.sqrt()) if denominator > 0 else 0.0


def distinct_rows(generator: np.random.Generator, n: int) -> torch.Tensor:
    """A bootstrap draw of n rows with replacement, each drawn row kept once (for `debiased_cka`): about 63% of n
    distinct inputs, so the interval it gives is wider than the sampling error of n inputs, never narrower."""
    return torch.from_numpy(np.unique(generator.integers(0, n, n)))


def spatial_summaries(activations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(images, units) largest and mean response over positions, from a layer's (images, units, H, W)."""
    flat = activations.flatten(2)
    return flat.amax(2), flat.mean(2)


@dataclass
class LayerProfiles:
    """What a family's layer does on inputs both networks can be shown (probes.measures.universality)."""

    family: object
    preferred: dict[int, float]
    profiles: np.ndarray  # (inputs, units of the layer): standardised response profiles
    tuning: np.ndarray  # (orientations, units of the layer): confirmation curves, mean over radii
    pooled: torch.Tensor  # (photographs, units of the layer): mean response over positions


def layer_profiles(model, family, activations) -> LayerProfiles:
    """Profiles of every unit of the family's layer: centre responses to the confirmation curves rendered at
    the layer's own receptive field, and each unit's largest response on each confirmation photograph.
    `activations`: the network's probes.activations.measured.Activations on the photographs."""
    held_out = split_positions(len(activations.images), "confirmation")  # the confirmation half, as every claim
    maxima, means = spatial_summaries(activations(family.layer)[family.layer][held_out])
    return profiles_from(model, family, maxima, means)


def streamed_profiles(model, family, photographs: torch.Tensor, batch: int = 50) -> LayerProfiles:
    """`layer_profiles` of a network whose activations are not worth keeping (a random twin): the photographs
    (already the confirmation half) go through a batch at a time."""
    summaries = [spatial_summaries(capture(model, photographs[i:i + batch], family.layer)[family.layer])
                 for i in range(0, len(photographs), batch)]
    return profiles_from(model, family, torch.cat([m for m, _ in summaries]), torch.cat([m for _, m in summaries]))


def profiles_from(model, family, maxima: torch.Tensor, means: torch.Tensor) -> LayerProfiles:
    field = receptive_field(model, family.layer)
    stimuli = curve_set(field.canvas, orientations=CONFIRMATION["orientations"],
                        radii=[f * field.size for f in CONFIRMATION["radius_fractions"]], span=CONFIRMATION["span"],
                        **curve_style(CONFIRMATION, field.size))
    responses = centre_responses(model, family.layer, stimuli.images, background=CONFIRMATION["background"])
    tuning = responses.reshape(len(CONFIRMATION["radius_fractions"]), CONFIRMATION["orientations"], -1).mean(0)
    return LayerProfiles(family, dict(family.preferred_orientation), response_profiles(responses, maxima.numpy()),
                         tuning, means)

"""Mirror images as an experiment on facing direction: a horizontal flip turns a left-facing dog into a
right-facing one and leaves everything else about the photograph alone.

A unit that cares about facing answers a photograph and its mirror differently (`facing_index`); its mirror
partner answers the mirror image as it answers the photograph (`mirror_correlation`): the pair of pathways of
"unioning over cases" in Zoom In. Responses are each unit's peak over positions (the head may be anywhere).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from probes.activations.capture import capture
from probes.records.timing import timed
from probes.zoo import Model


def mirrored(images: torch.Tensor) -> torch.Tensor:
    return images.flip(-1)


def blended(images: torch.Tensor) -> torch.Tensor:
    """Each photograph superimposed on its mirror image (equal weights): both facings at once."""
    return 0.5 * (images + mirrored(images))


@timed("peak responses")
def peak_responses(model: Model, images: torch.Tensor, layers: str | Iterable[str], *,
                   batch_size: int = 32) -> dict[str, np.ndarray]:
    """{layer: (N, C)}: each unit's largest post-activation response over positions, one pass per batch, so
    late layers of many images never sit in memory whole."""
    names = [layers] if isinstance(layers, str) else list(layers)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, len(images), batch_size):
        maps = capture(model, images[start:start + batch_size], names, batch_size=batch_size)
        for name in names:
            value = maps[name]
            parts[name].append((value.amax((-2, -1)) if value.ndim == 4 else value).numpy())
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def facing_index(responses: np.ndarray, mirror_responses: np.ndarray, *, count_silent: bool = False) -> np.ndarray:
    """(C,): per unit, the median over images of |r - r_mirror| / (r + r_mirror): 0 for a unit that answers a
    photograph and its mirror alike, 1 for one that answers only one of them. Images that leave a unit silent
    both ways are left out (index 0 when all are), or, with count_silent, count as 0: a unit that rarely
    answers then cannot look facing-selective on the few photographs it answers."""
    total = responses + mirror_responses
    index = np.abs(responses - mirror_responses) / np.where(total > 0, total, 1.0)
    index = np.where(total > 1e-6 * max(float(total.max(initial=0.0)), 1e-12), index, 0.0 if count_silent else np.nan)
    answered = ~np.isnan(index).all(0)
    median = np.zeros(index.shape[1])
    median[answered] = np.nanmedian(index[:, answered], axis=0)
    return median


def correlation_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(Ca, Cb) Pearson correlations between the columns of a (N, Ca) and b (N, Cb); 0 for a constant column."""
    a = a - a.mean(0)
    b = b - b.mean(0)
    norms = np.outer(np.linalg.norm(a, axis=0), np.linalg.norm(b, axis=0))
    return np.where(norms > 0, a.T @ b / np.where(norms > 0, norms, 1.0), 0.0)


def mirror_correlation(responses: np.ndarray, mirror_responses: np.ndarray) -> np.ndarray:
    """(C, C): entry [a, b] correlates unit a on the mirror images with unit b on the photographs: near 1 when
    b sees in a photograph what a sees in its mirror."""
    return correlation_matrix(mirror_responses, responses)


def partner_advantage(responses: np.ndarray, mirror_responses: np.ndarray) -> np.ndarray:
    """(C, C): mirror correlation minus plain correlation. A unit that ignores facing correlates with units
    alike on photographs and mirrors (advantage near 0); a true mirror partner only under the flip."""
    return mirror_correlation(responses, mirror_responses) - correlation_matrix(responses, responses)


def best_partners(responses: np.ndarray, mirror_responses: np.ndarray) -> np.ndarray:
    """(C,): for each unit, the other unit with the largest partner advantage (never itself)."""
    advantage = partner_advantage(responses, mirror_responses)
    np.fill_diagonal(advantage, -np.inf)
    return advantage.argmax(1)


def selectivity(responses: np.ndarray, in_concept: np.ndarray) -> np.ndarray:
    """(C,): mean peak response on photographs of a concept over the mean on the others (inf when those are 0)."""
    inside = responses[in_concept].mean(0)
    outside = responses[~in_concept].mean(0)
    return np.where(outside > 0, inside / np.where(outside > 0, outside, 1.0), np.where(inside > 0, np.inf, 0.0))


@dataclass
class MirrorResponses:
    """{layer: (N, C)} peak responses of one half's dog photographs, their mirrors and their blends, and of the
    half's other photographs (`others`, the confirmation half only)."""

    photos: dict[str, np.ndarray]
    mirrors: dict[str, np.ndarray]
    blends: dict[str, np.ndarray]
    others: dict[str, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(next(iter(self.photos.values())))

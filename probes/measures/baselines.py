"""The baselines a family is compared with: random units of its own layer, drawn the same way by every claim.

A claim about a family ("its ablation hurts circles more", "its units have mirror partners") means little until
it is set beside units chosen without looking: as many random units of the same layer, seeded, so a rerun draws
the same ones. Where the claim then compares one value with many draws, `probes.records.evidence.rank_against` and
`z_against` judge it; the confirmation half of the photographs is `probes.photographs.images.split` (or
`split_positions`).

    others = other_units(width, family.units)
    chosen = random_units(others, 100)                      # one sample, for a rate or a median
    for chosen in random_unit_sets(others, len(family.units), 100):   # as many units as the family, 100 times
        ...
"""
from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np
import torch

SEED = 0  # every baseline's default: the same draws on every run and every worker


def other_units(width: int, family: Iterable[int]) -> list[int]:
    """The units of a layer of `width` units that are not in `family`, in order: what random draws come from."""
    excluded = {int(unit) for unit in family}
    return [unit for unit in range(width) if unit not in excluded]


def random_units(candidates: Iterable[int], count: int, *, seed: int = SEED) -> np.ndarray:
    """`count` of the candidate units without replacement, or all of them when there are fewer, seeded."""
    candidates = np.asarray(list(candidates), dtype=int)
    return np.random.default_rng(seed).choice(candidates, size=min(count, len(candidates)), replace=False)


def is_sample(chosen, candidates) -> bool:
    """Whether `chosen` is a sample of the candidates (resample it) rather than all of them (nothing to resample)."""
    return 0 < len(chosen) < len(candidates)


def random_unit_sets(candidates: Iterable[int], size: int, draws: int, *, seed: int = SEED) -> Iterator[list[int]]:
    """`draws` sets of `size` candidate units, each without replacement, seeded: "as many random units as the
    family", once per draw (ablation and edit baselines)."""
    candidates = list(candidates)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(draws):
        yield [candidates[i] for i in torch.randperm(len(candidates), generator=generator)[:size].tolist()]

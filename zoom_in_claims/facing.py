"""Fixtures of the dog-head claims ("unioning over cases"): the facing family and its union units from the atlas,
and the peak responses of their layers to dog photographs, their mirror images and the two blended, on both
halves of the photographs, each computed once per model and session.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from probes.discover.facing import in_concept
from probes.photographs.images import split, split_positions
from probes.photographs.mirror import MirrorResponses, best_partners, blended, mirrored, peak_responses
from probes.photographs.wordnet import DOG
from zoom_in_claims.data import require_family

MIN_DOG_PHOTOS = 10  # per half; the shared sample holds 59


@pytest.fixture(scope="session")
def facing_family(atlas, discovery_dog_responses):
    """The atlas's facing family. A catalogue that lists units without partners (the paper's InceptionV1
    "Oriented Dog Heads") gets each unit's best mirror partner among the family, chosen on the discovery half."""
    family = require_family(atlas, "facing")
    if family.partners:
        return family
    layer = discovery_dog_responses.photos[family.layer]
    best = best_partners(layer[:, family.units], discovery_dog_responses.mirrors[family.layer][:, family.units])
    return replace(family, partners={unit: family.units[int(k)] for unit, k in zip(family.units, best)})


@pytest.fixture(scope="session")
def union_family(atlas):
    return require_family(atlas, "facing_union")


def _dog_responses(model, images, peaks, part: str, layers: list[str], *, others: bool = False) -> MirrorResponses:
    """The photographs' own peaks come from the session's `photograph_peaks`; mirrors and blends are new images."""
    half = split(images, part)
    is_dog = in_concept(half.labels, DOG)
    dogs = half.take(torch.as_tensor(is_dog))
    if len(dogs) < MIN_DOG_PHOTOS:
        pytest.skip(f"NOT RUN: {len(dogs)} dog photographs in the {part} half of the image folder; the claim needs "
                    f"at least {MIN_DOG_PHOTOS} (ImageNet classes below WordNet's dog, n02084071)")
    positions = split_positions(len(images), part)
    photographs = {layer: values[positions] for layer, values in peaks(layers).items()}
    return MirrorResponses({layer: values[is_dog] for layer, values in photographs.items()},
                           peak_responses(model, mirrored(dogs), layers), peak_responses(model, blended(dogs), layers),
                           {layer: values[~is_dog] for layer, values in photographs.items()} if others else None)


@pytest.fixture(scope="session")
def facing_layers(atlas) -> list[str]:
    facing, union = require_family(atlas, "facing"), atlas.families.get("facing_union")
    return [facing.layer] + ([union.layer] if union and union.layer != facing.layer else [])


@pytest.fixture(scope="session")
def dog_responses(model, images, photograph_peaks, facing_layers) -> MirrorResponses:
    """Confirmation half: what the claims measure."""
    return _dog_responses(model, images, photograph_peaks, "confirmation", facing_layers, others=True)


@pytest.fixture(scope="session")
def discovery_dog_responses(model, images, photograph_peaks, facing_layers) -> MirrorResponses:
    """Discovery half: where a claim makes its pre-registered choices (random units' partners, pathway units)."""
    return _dog_responses(model, images, photograph_peaks, "discovery", facing_layers)

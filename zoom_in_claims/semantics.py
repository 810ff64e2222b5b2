"""Fixtures of the semantic claims (polysemantic neurons, superposition): the late layers they read, each
photograph's WordNet class, and every unit's peak response to every photograph, in one pass per model."""
from __future__ import annotations

import pytest

from probes.photographs.semantics import ConceptResponses, class_wnids
from probes.photographs.wordnet import WordNet


@pytest.fixture(scope="session")
def late_layers(atlas) -> tuple[str, str]:
    """(layer L, layer L+1) from the model's atlas, chosen before the claims ran (lite: the last block's
    expansion and the head; InceptionV1: mixed4c, home of the paper's car unit 447, and mixed4d)."""
    if atlas.late_layers is None:
        where = atlas.path or "its planted atlas"
        pytest.skip(f"the atlas of {atlas.model} ({where}) names no late layers; add "
                    f'"late_layers": ["LAYER", "NEXT_LAYER"] to it')
    return atlas.late_layers


@pytest.fixture(scope="session")
def concept_responses(images, late_layers, photograph_peaks) -> ConceptResponses:
    wordnet = WordNet.load()
    return ConceptResponses(photograph_peaks(list(late_layers)), class_wnids(images.labels, wordnet), wordnet)

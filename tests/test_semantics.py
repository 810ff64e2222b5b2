"""WordNet concept instruments (probes/photographs/semantics.py) and linear readouts (probes/measures/decoding.py)."""
import numpy as np
import pytest

from probes.measures.decoding import LogisticReadout, auc, shuffled_auc
from probes.photographs.semantics import (coherence, concept_clusters, drives, purity, top_photographs,
                                         unrelated_concepts)
from probes.photographs.wordnet import DOG, MOTOR_VEHICLE, WordNet

WORDNET = WordNet.load()
WNIDS = sorted(WORDNET.classes)
DOGS, VEHICLES = WNIDS[151:156], [w for w in WNIDS if WORDNET.is_a(w, MOTOR_VEHICLE)][:5]


def test_dogs_and_cars_make_two_unrelated_concepts():
    concepts = unrelated_concepts(concept_clusters(DOGS + VEHICLES, WORDNET), WORDNET)
    assert len(concepts) == 2
    assert {WORDNET.is_a(DOGS[0], c) for c in concepts} == {True, False}


def test_a_concept_and_its_subconcept_are_one_concept():
    birds = [w for w in WNIDS if WORDNET.is_a(w, "n01503061")]
    clusters = concept_clusters(birds[:10], WORDNET)
    assert len(unrelated_concepts(clusters, WORDNET)) <= len(clusters)
    assert len(unrelated_concepts([("n01503061", birds[:3]), (birds[0], birds[:1] * 2)], WORDNET)) == 1


def test_one_class_is_more_coherent_than_a_mixture():
    assert coherence(DOGS, WORDNET) > coherence(DOGS[:2] + VEHICLES[:3], WORDNET)


def test_drives_and_purity_read_the_responses():
    wnids = DOGS + VEHICLES
    responses = np.array([5.0] * 5 + [0.0] * 5)
    assert drives(responses, wnids, DOG, WORDNET) and not drives(responses, wnids, MOTOR_VEHICLE, WORDNET)
    in_dog = np.array([WORDNET.is_a(w, DOG) for w in wnids])
    assert purity(responses[:, None], in_dog, k=5)[0] == 1.0
    assert top_photographs(responses[:, None], 3)[0].tolist() == [0, 1, 2]


def test_auc_and_a_readout_of_a_separable_concept():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 20))
    y = x[:, 3] + 0.3 * rng.normal(size=400) > 1.5
    assert auc(np.arange(4.0), np.array([0, 0, 1, 1])) == 1.0
    readout = LogisticReadout().fit(x[:200], y[:200])
    assert auc(readout.score(x[200:]), y[200:]) > 0.95
    assert np.argmax(np.abs(readout.weights)) == 3
    assert abs(np.median(shuffled_auc(x[:200], y[:200], x[200:], y[200:])) - 0.5) < 0.15


def test_discovery_names_the_unrelated_concepts_that_drive_a_unit():
    from probes.discover.polysemantic import polysemantic_units

    others = [w for w in WNIDS if not WORDNET.is_a(w, DOG) and not WORDNET.is_a(w, MOTOR_VEHICLE)][:40]
    wnids = DOGS + VEHICLES + others
    split = np.array([5.0] * 5 + [5.0] * 5 + [0.1] * 40)  # dogs and vehicles alike
    single = np.array([5.0] * 5 + [0.0] * 5 + [0.1] * 40)  # dogs only
    found = polysemantic_units(np.stack([split, single], 1), wnids, WORDNET)
    assert list(found) == [0] and len(found[0]) == 2
    assert {any(WORDNET.is_a(w, c) for w in DOGS) for c in found[0]} == {True, False}


def within(concept: str, planted: str) -> bool:
    """Whether every class below `concept` lies below `planted` (and there is one)."""
    below = [w for w in WNIDS if WORDNET.is_a(w, concept)]
    return bool(below) and all(WORDNET.is_a(w, planted) for w in below)


@pytest.mark.slow  # the concept network reads EfficientNet-Lite0's full pass on every photograph
def test_polysemantic_discovery_writes_the_planted_units_with_their_concepts(tmp_path, natural_images_for):
    """constructed_concepts plants units 8-10 as two unrelated concepts each; the screen must find them and
    name both concepts (a broad pure concept such as fish may also split by WordNet's distance: allowed)."""
    from probes.records.atlas import Atlas
    from probes.constructed.concepts import CONCEPTS, POLYSEMANTIC
    from probes.discover.__main__ import main
    from probes.models import load_model

    natural_images_for(load_model("constructed_concepts"))  # skips when there are no photographs
    atlas = tmp_path / "atlas.json"
    assert main(["polysemantic", "--model", "constructed_concepts", "--atlas", str(atlas),
                 "--max-images", "300"]) == 2  # no late layers named: a usage error, atlas untouched
    assert not atlas.exists()
    assert main(["polysemantic", "--model", "constructed_concepts", "--atlas", str(atlas), "--layers", "concepts",
                 "--max-images", "300"]) == 0
    found = Atlas.load(atlas).family("polysemantic")
    for unit, (a, b) in enumerate(POLYSEMANTIC, start=len(CONCEPTS)):
        assert unit in found.units
        named = found.concepts[unit]  # the planted concept, or one below it when the top photographs are narrower
        assert len(named) == 2 and all(any(within(c, CONCEPTS[p]) for c in named) for p in (a, b))

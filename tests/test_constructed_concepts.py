"""The polysemantic and superposition positive control (`constructed_concepts`) and its near misses: concepts from
hand-typed class lists, and each near miss wrong in exactly one weight tensor, with the same planted atlas."""
import pytest
import torch

from probes.constructed import concepts, concepts_near_misses
from probes.models import load_model, planted_atlas


def readouts(name: str) -> dict[str, torch.Tensor]:
    network = load_model(name).module.network
    return {layer: getattr(network, layer).weight[:, :, 0, 0].detach() for layer in ("concepts", "mixed")}


def planted(name: str) -> dict:
    return {key: (f.layer, f.units, f.concepts, f.description) for key, f in planted_atlas(name).families.items()}


def test_concept_lists_are_disjoint_imagenet_indices():
    seen: set[int] = set()
    assert list(concepts.CLASS_INDICES) == list(concepts.CONCEPTS)
    for name, classes in concepts.CLASS_INDICES.items():
        wnid = concepts.CONCEPTS[name]
        assert classes and all(0 <= c < concepts.CLASSES for c in classes), name
        assert not seen & set(classes), name
        assert wnid.startswith("n") and len(wnid) == 9
        seen |= set(classes)


def test_polysemantic_units_sum_two_concepts_and_vehicles_are_spread():
    weight = readouts("constructed_concepts")
    pure = len(concepts.CONCEPTS)
    for k, (a, b) in enumerate(concepts.POLYSEMANTIC):
        assert torch.equal(weight["concepts"][pure + k], concepts.membership(a) + concepts.membership(b))
    vehicle = list(concepts.CONCEPTS).index(concepts.VEHICLE)
    carriers = (weight["mixed"][:, vehicle] > 0).sum()
    assert carriers == len(concepts.CARRIERS) >= 2
    assert (weight["mixed"][:, vehicle] < weight["mixed"].max(1).values).all()  # each answers another concept most


@pytest.mark.parametrize("name", sorted(concepts_near_misses.NEAR_MISSES))
def test_each_near_miss_differs_in_one_readout_and_keeps_the_atlas(name):
    positive, near = readouts("constructed_concepts"), readouts(name)
    changed = [layer for layer in positive if positive[layer].shape != near[layer].shape
               or not torch.equal(positive[layer], near[layer])]
    assert len(changed) == 1, changed
    assert planted(name) == planted("constructed_concepts")


def test_what_each_near_miss_plants_wrong():
    mono = readouts("constructed_concepts_monosemantic")["concepts"]
    pure = len(concepts.CONCEPTS)
    for k, (a, _) in enumerate(concepts.POLYSEMANTIC):
        assert torch.equal(mono[pure + k], concepts.membership(a))
    mixed = readouts("constructed_concepts_dedicated")["mixed"]
    vehicle = list(concepts.CONCEPTS).index(concepts.VEHICLE)
    assert torch.nonzero(mixed[:, vehicle]).flatten().tolist() == [mixed.shape[0] - 1]
    assert mixed[-1].count_nonzero() == 1

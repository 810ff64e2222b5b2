"""Mirror-image instruments (probes/photographs/mirror.py), the WordNet hierarchy file, facing atlases, and the hand-set
facing network they are checked against."""
import json

import numpy as np
import pytest
import torch

from probes.constructed.facing import planted_atlas
from probes.models import load_model
from probes.photographs.mirror import best_partners, blended, facing_index, mirrored, peak_responses
from probes.photographs.wordnet import DATA_FILE, DEFAULT_WORDNET, DOG, MOTOR_VEHICLE, WordNet, derive, read_nouns
from probes.records.atlas import Atlas, AtlasError


def test_facing_index_is_zero_for_alike_and_one_for_one_sided_responses():
    r = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]])
    mirror = np.array([[1.0, 0.0, 0.0], [3.0, 2.0, 0.0]])
    assert facing_index(r, mirror).tolist() == [0.0, 1.0, 0.0]


def test_silent_photographs_count_only_when_asked():
    r, mirror = np.array([[1.0], [0.0], [0.0]]), np.array([[0.0], [0.0], [0.0]])
    assert facing_index(r, mirror)[0] == 1.0
    assert facing_index(r, mirror, count_silent=True)[0] == 0.0


def test_constructed_facing_units_are_mirror_partners_in_function():
    model = load_model("constructed_facing")
    images = torch.rand(12, 3, 96, 96, generator=torch.Generator().manual_seed(0))
    images[:6, :, :, :48] *= 0.3  # some brighter on the right, some on the left
    images[6:, :, :, 48:] *= 0.3
    photos = peak_responses(model, images, ["facing", "union"])
    mirrors = peak_responses(model, mirrored(images), ["facing", "union"])
    # built separately (probes/constructed/facing.py): partners in function, not copies under a flip
    assert np.corrcoef(photos["facing"][:, 0], mirrors["facing"][:, 1])[0, 1] > 0.9
    assert not np.allclose(photos["facing"][:, 0], mirrors["facing"][:, 1], atol=1e-3)
    assert best_partners(photos["facing"], mirrors["facing"])[:2].tolist() == [1, 0]
    union = peak_responses(model, blended(images), "union")["union"][:, 0]
    assert np.all(union < 1e-4) and np.all(photos["union"][:, 0] > 0.1)  # XOR: both facings cancel


def test_facing_atlas_round_trips_and_refuses_a_foreign_partner(tmp_path):
    path = planted_atlas().save(tmp_path / "atlas.json")
    assert Atlas.load(path).family("facing").partners == {0: 1, 1: 0}
    data = json.loads(path.read_text())
    data["families"]["facing"]["partners"]["0"] = 7
    path.write_text(json.dumps(data))
    with pytest.raises(AtlasError, match="partner 7 is not one of the family's units"):
        Atlas.load(path)


def test_wordnet_places_imagenet_dogs_and_vehicles():
    wordnet = WordNet.load()
    wnids = sorted(wordnet.classes)
    assert len(wnids) == 1000
    dogs = [i for i, w in enumerate(wnids) if wordnet.is_a(w, DOG)]
    assert dogs == list(range(151, 269))  # the dog classes every ImageNet user knows
    vehicles = {wordnet.name(w) for w in wnids if wordnet.is_a(w, MOTOR_VEHICLE)}
    assert {"sports car", "minivan", "ambulance"} <= vehicles and "tabby" not in vehicles
    assert wordnet.similarity(wnids[151], wnids[152]) > wordnet.similarity(wnids[151], wnids[0])


@pytest.mark.skipif(not (DEFAULT_WORDNET / "data.noun").exists(),
                    reason="WordNet is not installed here (Debian: apt-get install wordnet-base)")
def test_committed_hierarchy_matches_wordnet():
    committed = json.loads(DATA_FILE.read_text())
    assert derive(read_nouns(DEFAULT_WORDNET), list(committed["classes"])) == committed


def test_facing_discovery_finds_the_planted_pair():
    """The discovery screen on constructed_facing, whose photographs here are random images brighter on one side
    (each "class" a dog, so the dog criterion is met by construction)."""
    from probes.discover.facing import facing_pairs
    from probes.photographs.mirror import selectivity

    model = load_model("constructed_facing")
    images = torch.rand(16, 3, 96, 96, generator=torch.Generator().manual_seed(1))
    images[::2, :, :, :48] *= 0.3
    images[1::2, :, :, 48:] *= 0.3
    photos = peak_responses(model, images, "facing")["facing"]
    mirrors = peak_responses(model, mirrored(images), "facing")["facing"]
    dog_selective = selectivity(np.concatenate([photos, 0.1 * photos]), np.arange(32) < 16) >= 1.5
    assert facing_pairs(photos, mirrors, dog_selective) == [(0, 1)]


def test_facing_discovery_writes_pairs_and_union_of_the_constructed_network():
    from probes.discover.facing import discover
    from probes.photographs.images import ImageSet

    model = load_model("constructed_facing")
    dogs = torch.rand(16, 3, 96, 96, generator=torch.Generator().manual_seed(2))
    dogs[::2, :, :, :48] *= 0.3
    dogs[1::2, :, :, 48:] *= 0.3
    others = 0.1 * torch.rand(16, 3, 96, 96, generator=torch.Generator().manual_seed(3))
    images = ImageSet(torch.cat([dogs, others]), torch.tensor(list(range(151, 167)) + list(range(16))),
                      [f"{i}.png" for i in range(32)], "synthetic")
    facing_layer, pairs, union_layer, union_units, _ = discover(model, images)
    assert (facing_layer, pairs, union_layer) == ("facing", [(0, 1)], "union")
    assert 0 in union_units and not {1, 2} & set(union_units)

    from probes.records.atlas import Atlas, Provenance
    from probes.discover.facing import find_families

    families, _ = find_families(model, images, layers=None, atlas=Atlas("constructed_facing", {}),
                                provenance=lambda what: Provenance(what, "synthetic", "today", "test"))
    assert families["facing"].partners == {0: 1, 1: 0} and families["facing_union"].layer == "union"
    assert families["facing"].provenance.method == "mirror pairs"

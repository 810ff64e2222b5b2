"""probes.discover.rescreen: a network put through the trained atlas's own screens, each family at its trained
layer and size. On constructed networks (and synthetic photographs, so no image folder is needed) the screens
must find what is planted; on a random twin they must still return families of the same layers and sizes."""
import copy
from dataclasses import replace

import pytest
import torch
from torch import nn

from probes.activations.capture import capture
from probes.discover.rescreen import FAMILY_SCREENS, not_rescreened, rescreen
from probes.discover.screening import natural_drive, natural_responses
from probes.models import load_model
from probes.models import planted_atlas
from probes.photographs.images import ImageSet
from probes.photographs.wordnet import DOG, WordNet
from probes.records.atlas import Atlas, Family, Provenance
from probes.zoo import ImageModel, Layer, Model, Preprocessing

PLANTED = Provenance(method="planted", data="none", date="2026-11-26", tool="tests")


@pytest.fixture(scope="module")
def curves_net():
    return load_model("constructed_curves")


def smooth_images(count: int, size: int, seed: int = 0) -> torch.Tensor:
    """Photograph stand-ins: blurred noise, so every unit of a constructed network sees some structure."""
    generator = torch.Generator().manual_seed(seed)
    coarse = torch.rand(count, 3, size // 8, size // 8, generator=generator)
    return nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)


def random_twin(model: Model, seed: int = 0) -> Model:
    """The same network with He-normal convolutions and zero biases (independent of probes.models.null_model)."""
    twin = copy.deepcopy(model)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in twin.module.modules():
            if isinstance(module, nn.Conv2d):
                fan_out = module.out_channels * module.kernel_size[0] * module.kernel_size[1]
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * (2.0 / fan_out) ** 0.5)
                module.bias.zero_()
    twin.null, twin.weights = "init", f"random twin (seed {seed}) of {model.weights}"
    return twin


def test_rescreen_of_the_constructed_network_finds_its_planted_families(curves_net):
    atlas = planted_atlas(curves_net.name)
    found = rescreen(curves_net, atlas, smooth_images(24, curves_net.input_size))
    assert set(found.families) == set(atlas.families) and found.late_layers == atlas.late_layers
    # The even-symmetric line detectors of the first layer answer an edge too, at half their width: the edge
    # screen may take some of them, never a unit that answers neither.
    oriented = {"curves": set(atlas.families["curves"].units),
                "edges": set(atlas.families["edges"].units) | set(atlas.families["lines"].units)}
    for name, least in (("curves", 14), ("edges", 11)):
        planted, again = atlas.families[name], found.families[name]
        assert again.layer == planted.layer and len(again.units) == len(planted.units)
        assert len(set(again.units) & set(planted.units)) >= least, (name, again.units)
        assert set(again.units) <= oriented[name], (name, again.units)
        assert set(again.preferred_orientation) == set(again.units)
        assert again.provenance.method.startswith(f"rescreen of {atlas.model} atlas on {curves_net.weights}")
        assert "qualify at" in again.provenance.notes or "qualifies at" in again.provenance.notes
    # the planted curve detectors keep their planted orientations (22.5k degrees), within the screen's tolerance
    orientation = found.families["curves"].preferred_orientation
    assert all(abs((orientation[k] - 22.5 * k + 180) % 360 - 180) <= 15 for k in orientation if k < 16)
    # readers and lines have no screen: kept as they were, and marked
    assert sorted(not_rescreened(found)) == ["circles", "lines", "squares"]
    for name in not_rescreened(found):
        assert found.families[name].units == atlas.families[name].units
        assert found.families[name].provenance.notes.startswith("not rescreened: no screen")


def test_a_random_twin_gets_families_of_the_same_layers_and_sizes(curves_net):
    atlas = planted_atlas(curves_net.name)
    twin = random_twin(curves_net)
    found = rescreen(twin, atlas, smooth_images(24, curves_net.input_size), families=["curves", "edges", "lines"])
    for name in ("curves", "edges"):
        planted, again = atlas.families[name], found.families[name]
        assert again.layer == planted.layer and len(again.units) == len(set(again.units)) == len(planted.units)
        assert set(again.preferred_orientation) <= set(again.units)
        assert " at curves" in again.provenance.notes or " at edges" in again.provenance.notes
        assert twin.weights in again.provenance.method
    assert sorted(not_rescreened(found)) == ["circles", "lines", "squares"]
    for name in not_rescreened(found):
        assert found.families[name].provenance.notes.startswith("not rescreened: no screen")
    assert rescreen(twin, atlas, smooth_images(4, curves_net.input_size), families=["lines"]).families["curves"] \
        .provenance.notes.startswith("not rescreened: not asked")


def test_a_family_without_a_screen_is_kept_and_marked(curves_net):
    atlas = Atlas(curves_net.name, {
        "curves": planted_atlas(curves_net.name).families["curves"],
        "curves.catalogue": Family("curves", [1, 2, 3], PLANTED, description="a published catalogue's family"),
        "polysemantic": Family("shapes", [0], PLANTED, concepts={0: ["n02121620", "n02958343"]})})
    assert "curves.catalogue" not in FAMILY_SCREENS
    found = rescreen(curves_net, atlas, smooth_images(16, curves_net.input_size))  # a bare tensor: no labels
    assert sorted(not_rescreened(found)) == ["curves.catalogue", "polysemantic"]
    assert found.families["curves.catalogue"].units == [1, 2, 3]
    assert found.families["curves.catalogue"].provenance.notes.startswith("not rescreened: no screen")
    assert "labelled photographs" in found.families["polysemantic"].provenance.notes
    assert found.families["polysemantic"].concepts == {0: ["n02121620", "n02958343"]}
    assert found.families["curves"].provenance.tool == "probes.discover.rescreen"
    with pytest.raises(ValueError, match="no families"):
        rescreen(curves_net, atlas, smooth_images(4, curves_net.input_size), families=["nonexistent"])


def test_the_natural_drive_of_one_pass_is_the_screens_own(curves_net):
    images = smooth_images(48, curves_net.input_size, seed=1)  # 48 x 112 x 112 positions: every 3rd is read
    once = natural_responses(curves_net, images, ["edges"], ["edges"], batch_size=7)
    assert torch.allclose(once.drive["edges"], natural_drive(curves_net, "edges", images), rtol=1e-6, atol=1e-7)
    assert once.peaks["edges"].shape == (48, 24)


def test_the_natural_drive_is_the_percentile_of_the_whole_layers_subsample(curves_net):
    """Gathered batch by batch (batches of 7 do not divide the step of 3), the sample is exactly every 3rd value of
    the whole layer flattened over (image, row, column): the same percentile to the last bit."""
    images = smooth_images(48, curves_net.input_size, seed=2)
    whole = capture(curves_net, images, "edges")["edges"]
    flat = whole.transpose(0, 1).reshape(whole.shape[1], -1)
    expected = torch.quantile(flat[:, ::flat.shape[1] // 200_000], 0.99, dim=1)
    assert torch.equal(natural_drive(curves_net, "edges", images, batch_size=7), expected)


def labelled(images: torch.Tensor, labels: list[int]) -> ImageSet:
    return ImageSet(images, torch.tensor(labels), [f"{i}.png" for i in range(len(labels))], "synthetic")


def test_facing_pairs_and_union_are_found_where_planted():
    """constructed_facing: a left-facing unit (brighter left half) and its mirror partner, and a union unit after
    them. Synthetic "dog photographs" are brighter on one side, the others plain grey."""
    model = load_model("constructed_facing")
    wordnet = WordNet.load()
    classes = sorted(wordnet.classes)
    dogs = [i for i, w in enumerate(classes) if wordnet.is_a(w, DOG)][:20]
    others = [i for i, w in enumerate(classes) if not wordnet.is_a(w, DOG)][:20]
    generator = torch.Generator().manual_seed(0)
    size, images = model.input_size, []
    for k in range(len(dogs)):
        image = torch.full((3, size, size), 0.4)
        half = slice(0, size // 2) if k % 2 else slice(size // 2, size)
        image[:, :, half] += 0.1 + 0.3 * torch.rand(1, generator=generator)
        images.append(image)
    images += [torch.full((3, size, size), 0.45) + 0.02 * torch.rand(1, generator=generator) for _ in others]
    atlas = planted_atlas(model.name)
    atlas = atlas.with_family("facing", replace(atlas.families["facing"], units=[0, 1]))
    found = rescreen(model, atlas, labelled(torch.stack(images), dogs + others))
    assert found.families["facing"].layer == "facing" and found.families["facing"].partners == {0: 1, 1: 0}
    assert found.families["facing"].provenance.notes.startswith("1 mirror pair qualifies at facing")
    assert found.families["facing_union"].layer == "union" and found.families["facing_union"].units == [0]
    assert found.families["facing_union"].provenance.notes.startswith("1 union unit qualifies at union")


class ConceptNet(nn.Module):
    """A 1x1 'late layer' reading concept markers painted into the channels: unit 0 answers dogs and
    accordions (polysemantic), unit 1 goldfish, unit 2 dogs, unit 3 nothing in particular."""

    def __init__(self):
        super().__init__()
        self.late = nn.Conv2d(3, 4, 1)
        self.late_act = nn.ReLU()
        with torch.no_grad():
            self.late.weight.copy_(torch.tensor([[1.0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 0]]).view(4, 3, 1, 1))
            self.late.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 0.1]))

    def forward(self, x):
        return self.late_act(self.late(x))


def test_polysemantic_units_keep_the_concepts_the_screen_found_for_them():
    network, preprocessing = ConceptNet(), Preprocessing(size=4)
    model = Model("concept_net", ImageModel(network, preprocessing), preprocessing,
                  {"late": Layer("late", network.late, network.late_act)}, [], "hand-set")
    classes = sorted(WordNet.load().classes)
    chihuahua, accordion, goldfish = (classes.index(w) for w in ("n02085620", "n02672831", "n01443537"))
    labels, images = [], []
    for k in range(36):  # dogs and accordions interleaved, so both are among unit 0's top photographs
        which = [chihuahua, accordion, goldfish][k % 3]
        labels.append(which)
        images.append(torch.tensor([which == chihuahua, which == accordion, which == goldfish], dtype=torch.float32))
    labels += list(range(300, 324))
    images += [torch.zeros(3)] * 24
    photos = labelled(torch.stack(images).view(-1, 3, 1, 1).expand(-1, 3, 4, 4).contiguous(), labels)
    atlas = Atlas("concept_net", {"polysemantic": Family("late", [2, 3], PLANTED, concepts={2: ["n02084071"]})},
                  late_layers=("late", "late"))
    found = rescreen(model, atlas, photos).families["polysemantic"]
    assert found.layer == "late" and found.units == [0, 1]
    assert sorted(found.concepts[0]) == sorted(["n02085620", "n02672831"])
    assert found.concepts[1] == ["n01443537"]  # filled by score: the one concept its photographs cluster into
    assert found.provenance.notes.startswith("1 unit qualifies at late; took all 1, and filled 1 that do not")

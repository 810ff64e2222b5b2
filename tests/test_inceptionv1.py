"""InceptionV1 with RANDOM weights only: the real weights cannot be fetched here, and nothing in this file
claims to have checked them. Architecture facts come from Lucid's graph and the Circuits articles."""
import pytest
import torch

from probes.activations.capture import capture, layer_shapes
from probes.models import load_model
from probes.models.inceptionv1 import BRANCHES, InceptionV1, from_published_keys
from probes.models.weights_file import check_state_dict
from probes.records.atlas import Atlas, default_atlas_path
from probes.zoo import WeightsIntegrityError, WeightsUnavailable

CHANNELS = {"conv2d0": 64, "conv2d1": 64, "conv2d2": 192, "mixed3a": 256, "mixed3b": 480, "mixed4a": 508,
            "mixed4b": 512, "mixed4c": 512, "mixed4d": 528, "mixed4e": 832, "mixed5a": 832, "mixed5b": 1024}
SIDES = {"conv2d0": 112, "conv2d1": 56, "conv2d2": 56, "mixed3a": 28, "mixed3b": 28, "mixed5b": 7}


@pytest.fixture(scope="module")
def random_inception():
    return load_model("inceptionv1", pretrained=False)


def published_names(network: InceptionV1) -> dict:
    """The flat key names of the published conversion, rebuilt from the nested ones."""
    inverse = {v: k for k, v in BRANCHES.items()}
    names = {}
    for key, value in network.state_dict().items():
        parts = key.split(".")
        if parts[0].startswith("mixed"):
            names[f"{parts[0]}_{inverse[parts[1]]}_pre_relu_conv.{parts[2]}"] = value
        elif parts[0].startswith("conv2d"):
            names[f"{parts[0]}_pre_relu_conv.{parts[1]}"] = value
        else:
            names[f"softmax2_pre_activation_matmul.{parts[1]}"] = value
    return names


def test_layer_shapes_for_a_224_input(random_inception):
    shapes = layer_shapes(random_inception)
    for layer, channels in CHANNELS.items():
        assert shapes[layer][0] == channels, layer
    for layer, side in SIDES.items():
        assert shapes[layer][1:] == (side, side), layer
    assert shapes["softmax2_pre_activation"] == (1008,)


def test_parameter_count(random_inception):
    assert sum(p.numel() for p in random_inception.module.parameters()) == 7_066_380


def test_published_key_names_load_with_every_key_matched():
    network = InceptionV1()
    published = published_names(network)
    assert "mixed3b_3x3_bottleneck_pre_relu_conv.weight" in published
    assert "conv2d0_pre_relu_conv.weight" in published and "softmax2_pre_activation_matmul.bias" in published
    renamed = from_published_keys(published)
    check_state_dict(renamed, network, source="published names")
    assert not network.load_state_dict(renamed, strict=True).missing_keys


def test_a_file_of_another_model_is_refused_by_name():
    with pytest.raises(WeightsIntegrityError, match="missing"):
        check_state_dict(from_published_keys({"fc.weight": torch.zeros(1)}), InceptionV1(), source="other.pth")


def test_pre_and_post_relu_are_both_reachable(random_inception):
    from probes.activations.capture import capture

    image = torch.rand(1, 3, 224, 224)
    pre = capture(random_inception, image, "mixed3b", pre_activation=True)["mixed3b"]
    post = capture(random_inception, image, "mixed3b")["mixed3b"]
    assert pre.min() < 0 and torch.equal(post, pre.clamp(min=0))


def test_paper_curve_units_exist_in_mixed3b():
    curves = Atlas.load(default_atlas_path("inceptionv1")).family("curves")
    assert curves.layer == "mixed3b" and max(curves.units) < CHANNELS["mixed3b"]


def test_offline_without_the_file_says_how_to_provide_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOOM_IN_WEIGHTS", str(tmp_path))
    monkeypatch.delenv("ZOOM_IN_INCEPTIONV1", raising=False)
    monkeypatch.setenv("ZOOM_IN_OFFLINE", "1")
    with pytest.raises(WeightsUnavailable, match="ZOOM_IN_INCEPTIONV1"):
        load_model("inceptionv1")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_the_published_edit_runs_on_the_architecture(random_inception):
    """The parts of the curve-circuit edit replication that need no trained weights: the paper's 3b curve units
    are channels of one convolution (the 5x5 branch), the 3a -> 3b expanded-weight edit changes exactly the
    edited units and restores the network, and the published before/after curves are readable."""
    from probes.records.atlas import Atlas, default_atlas_path
    from probes.circuits.wiring import without_negative_expanded_weights
    from probes.circuits.edits import producing_convolution
    from probes.activations.receptive_field import receptive_field
    from probes.records.replication import published_tuning

    atlas = Atlas.load(default_atlas_path("inceptionv1"))
    curves, early = atlas.family("curves"), atlas.family("mixed3a.curves")
    producer = producing_convolution(random_inception, "mixed3b", curves.units)
    assert producer.convolution is random_inception.module.network.mixed3b.branch5x5
    assert producer.channels == [u - 128 - 192 for u in curves.units]  # after the 1x1 and 3x3 branches
    canvas = receptive_field(random_inception, "mixed3b").canvas
    image = torch.rand(2, 3, canvas, canvas, generator=torch.Generator().manual_seed(0))
    before = capture(random_inception, image, "mixed3b", pre_activation=True, center=True)["mixed3b"]
    with without_negative_expanded_weights(random_inception, "mixed3a", "mixed3b", curves.units[:3], early.units,
                                           size=canvas):
        during = capture(random_inception, image, "mixed3b", pre_activation=True, center=True)["mixed3b"]
    after = capture(random_inception, image, "mixed3b", pre_activation=True, center=True)["mixed3b"]
    changed = (during - before).abs().amax(0) > 0
    assert changed[curves.units[:3]].all() and changed.sum() == 3
    assert torch.equal(after, before)
    try:
        edited = published_tuning("inceptionv1", "curve-circuits", "edit-no-negative-weights.json")
    except FileNotFoundError:
        pytest.skip("no published reference data here; set ZOOM_IN_REFERENCE")
    assert set(edited) == set(curves.units) and all(len(c) == 720 for c in edited.values())


def test_paper_units_of_the_late_claims_exist_in_the_architecture(random_inception):
    """Dog heads (mixed4a oriented, mixed4b union), the car feature's layers, the polysemantic mixed4e:55: what
    users with the weights run."""
    from probes.records.atlas import ATLAS_DIR, Atlas
    from probes.activations.capture import layer_shapes

    atlas, shapes = Atlas.load(ATLAS_DIR / "inceptionv1.json"), layer_shapes(random_inception)
    for name in ("facing", "facing_union", "mixed4c.car", "polysemantic"):
        family = atlas.family(name)
        assert max(family.units) < shapes[family.layer][0]
    assert atlas.family("mixed4c.car").units == [447]
    assert atlas.family("polysemantic").concepts == {55: ["n02121620", "n02958343"]}  # Zoom In's cat/car unit
    assert atlas.late_layers == ("mixed4c", "mixed4d") and all(layer in shapes for layer in atlas.late_layers)

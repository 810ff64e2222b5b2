"""The null twin (probes.models.null_model) must be a live network, and probes.activations.health must say when one
is not."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from probes.activations.capture import capture
from probes.activations.health import Health, compare, layer_health
from probes.defaults import image_folder
from probes.models.null_model import KINDS, null_twin
from probes.models.user import expose_layers
from probes.zoo import ImageModel, Model, Preprocessing, freeze

FOLDER = image_folder()


@pytest.fixture(scope="module")
def photos(lite0):
    """48 photographs: the first 32 recalibrate a twin, the other 16 judge it."""
    from probes.photographs.images import load_image_folder

    if not FOLDER.is_dir():
        pytest.skip(f"no natural images at {FOLDER}; set ZOOM_IN_IMAGES")
    return load_image_folder(FOLDER, lite0.preprocessing, limit=48).images


def snapshot(model: Model) -> dict:
    state = {name: value.clone() for name, value in model.module.state_dict().items()}
    return {"state": state, "training": [m.training for m in model.module.modules()]}


def assert_same(before: dict, model: Model) -> None:
    after = snapshot(model)
    assert after["training"] == before["training"]
    assert before["state"].keys() == after["state"].keys()
    for name, value in before["state"].items():
        assert torch.equal(value, after["state"][name]), name


def small_bn_model() -> Model:
    """A small network with batch norms, as lite0 is built, for the cheap tests."""
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU6(),
                            nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.ReLU6(),
                            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))
    with torch.no_grad():
        for norm in (network[1], network[4]):  # "trained" statistics and affine parameters
            for tensor in (norm.weight, norm.bias, norm.running_mean):
                tensor.normal_()
            norm.running_var.uniform_(0.5, 2.0)
    preprocessing = Preprocessing(size=16, resize=16)
    return Model("small", freeze(ImageModel(network, preprocessing)), preprocessing, expose_layers(network), [],
                 "hand-set test weights")


@pytest.mark.parametrize("kind", KINDS)
def test_twin_is_deterministic_per_seed_and_leaves_the_trained_model_alone(kind):
    model = small_bn_model()
    images = torch.rand(8, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    before = snapshot(model)
    a, b, c = (null_twin(model, kind, seed=seed, images=images) for seed in (3, 3, 4))
    assert_same(before, model)
    for name, value in a.module.state_dict().items():
        assert torch.equal(value, b.module.state_dict()[name]), name
    weight, gamma = "network.0.weight", "network.4.weight"
    trained, first, other = (m.module.state_dict()[weight] for m in (model, a, c))
    assert not torch.equal(first, trained) and not torch.equal(first, other)
    if kind == "shuffle":  # the same values, rearranged
        assert torch.equal(first.flatten().sort().values, trained.flatten().sort().values)
    # each batch norm keeps its trained γ values, permuted; its running statistics are the twin's own
    assert torch.equal(a.module.state_dict()[gamma].sort().values, model.module.state_dict()[gamma].sort().values)
    assert not torch.equal(a.module.state_dict()["network.4.running_var"], model.module.network[4].running_var)
    assert a.null == kind and a.extra == {"null_seed": 3} and "seed 3" in a.weights and model.null is None
    assert a.layers["3"].module is a.module.network[3]  # the twin's layers point into the twin


def test_a_twin_is_the_same_network_whatever_the_thread_count(lite0, photos):
    """A serial run and an xdist worker (one thread each) must build the same null twin, or its controls differ."""
    threads = torch.get_num_threads()
    twins = []
    try:
        for count in (2, 1):
            torch.set_num_threads(count)
            twins.append(null_twin(lite0, seed=1, images=photos[:32]).module.state_dict())
    finally:
        torch.set_num_threads(threads)
    assert all(torch.equal(value, twins[1][name]) for name, value in twins[0].items())


def test_batch_norm_networks_need_photographs_and_kinds_are_checked(lite0):
    with pytest.raises(ValueError, match="images="):
        null_twin(lite0, "init")
    with pytest.raises(ValueError, match="init, shuffle"):
        null_twin(lite0, "gaussian", images=torch.rand(2, 3, 32, 32))


@pytest.mark.slow
def test_lite0_twin_is_alive_on_held_out_photographs(lite0, photos):
    """Within 2x of the trained activation scale at every layer with an activation, and not dead or saturated
    beyond the trained network's own share. (Absolute caps would fail lite0 itself: 14% of blocks.14.depthwise's
    channels are silent on these photographs and 8% of blocks.0.depthwise's values sit at 6.)"""
    calibration, held_out = photos[:32], photos[32:]
    before = snapshot(lite0)
    twin = null_twin(lite0, "init", seed=0, images=calibration)
    assert_same(before, lite0)
    layers = [name for name, layer in lite0.layers.items() if layer.activation is not None]
    trained, null = layer_health(lite0, held_out, layers), layer_health(twin, held_out, layers)
    for name in layers:
        ratio = null[name].std / trained[name].std
        assert 0.5 <= ratio <= 2, f"{name}: std {null[name].std:.3g} vs trained {trained[name].std:.3g}"
        assert null[name].dead <= trained[name].dead + 0.10, f"{name}: {null[name]} vs {trained[name]}"
        assert null[name].saturated <= trained[name].saturated + 0.05, f"{name}: {null[name]} vs {trained[name]}"
    assert compare(trained, null) == []
    assert not torch.equal(capture(twin, held_out[:1], "head")["head"], capture(lite0, held_out[:1], "head")["head"])


def tiny_model() -> Model:
    """A small network without batch norms, its layers at scales far from any initialiser's."""
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(16, 16, 3, padding=1, groups=4), nn.ReLU(),
                            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    with torch.no_grad():
        for index, scale in ((0, 5.0), (2, 0.1), (4, 3.0), (8, 20.0)):
            network[index].weight.mul_(scale)
    preprocessing = Preprocessing(size=32, resize=32)
    return Model("tiny", freeze(ImageModel(network, preprocessing)), preprocessing, expose_layers(network), [],
                 "hand-scaled test weights")


def test_network_without_batch_norm_is_rescaled_to_the_trained_scale(photos):
    model = tiny_model()
    small = F.interpolate(photos, size=32, mode="area")
    calibration, held_out = small[:32], small[32:]
    before = snapshot(model)
    twin, unscaled = null_twin(model, "init", seed=1, images=calibration), null_twin(model, "init", seed=1)
    assert_same(before, model)
    trained, null = layer_health(model, held_out, model.layers), layer_health(twin, held_out, model.layers)
    for name in model.layers:
        assert 0.5 <= null[name].std / trained[name].std <= 2, name
    # without photographs the twin keeps its initialiser's scale, which these layers are far from
    assert compare(trained, layer_health(unscaled, held_out, model.layers))


def test_compare_flags_a_layer_three_times_off_but_not_one_and_a_half():
    trained = {name: Health(std=1.0, post_std=0.5, dead=0.0, saturated=0.0) for name in ("a", "b", "c", "d")}
    null = {"a": Health(3.0, 1.5, 0.0, 0.0), "b": Health(1 / 1.5, 0.3, 0.0, 0.0),
            "c": Health(1.0, 0.5, 0.3, 0.0), "d": Health(1 / 3, 0.2, 0.0, 0.2)}
    warnings = compare(trained, null)
    assert [w.split(":")[0] for w in warnings] == ["a", "c", "d"]
    assert "dead" in warnings[1] and Health(1.0, 0.5, 0.0, 0.0).to_dict()["std"] == 1.0

import json

import pytest
import torch
from PIL import Image
from torch import nn

from probes.activations.capture import recording
from probes.featurevis import direction, diversity, render, unit
from probes.featurevis.render import _evaluate, _trim
from probes.featurevis.transforms import PAD
from probes.featurevis.save import save
from probes.zoo import ImageModel, Layer, Model, Preprocessing


def tiny_model() -> Model:
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 4, 5, padding=2), nn.Tanh(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())
    preprocessing = Preprocessing(size=24)
    layers = {"a": Layer("a", network[0], network[1]), "b": Layer("b", network[2], network[3])}
    model = Model("tiny", ImageModel(network, preprocessing), preprocessing, layers, [], "random")
    model.module.requires_grad_(False)
    return model


def test_objectives_compose_with_readable_descriptions():
    combined = 2 * unit("b", 1) - unit("a", 0, position=None) + (-unit("b", 2))
    assert combined.description == "2 * (b:1) - a:0 (channel) + -(b:2)"
    assert combined.layers == {"a", "b"}
    activations = {"a": torch.ones(1, 4, 3, 3), "b": torch.full((1, 4, 3, 3), 2.0)}
    assert combined(activations).item() == pytest.approx(2 * 2 - 1 - 2)
    assert direction("b", torch.tensor([0.0, 3.0, 0.0, 4.0]))(activations).item() == pytest.approx(2 * 7 / 5)


def test_rendering_increases_each_objective_and_is_deterministic():
    model = tiny_model()
    objectives = [unit("b", 0), unit("b", 3)]
    first = render(model, objectives, steps=30, lr=0.05, seed=1, progress=False)
    second = render(model, objectives, steps=30, lr=0.05, seed=1, progress=False)
    torch.testing.assert_close(first.images, second.images)
    assert first.history[-1] > first.history[0]
    assert first.images.shape == (2, 3, 24, 24) and 0 <= first.images.min() and first.images.max() <= 1


def test_each_objective_reads_its_own_image_as_it_would_the_batch():
    """A per-image objective is shown its image alone (a cheaper backward pass): the same values and gradients as
    reading image i off the whole batch; diversity, which compares images, still sees them all."""
    torch.manual_seed(0)
    objectives = [unit("a", 0), unit("a", 2) - 0.5 * unit("b", 1, position=None),
                  direction("b", torch.randn(3, generator=torch.Generator().manual_seed(0))),
                  unit("a", 1) + diversity("b")]

    def batch_reading(objectives, store):
        return torch.stack([objective(store)[i] for i, objective in enumerate(objectives)])

    results = []
    for evaluate in (_evaluate, batch_reading):
        generator = torch.Generator().manual_seed(1)
        store = {"a": torch.randn(4, 3, 5, 5, generator=generator).requires_grad_(),
                 "b": torch.randn(4, 3, 4, 4, generator=generator).requires_grad_()}
        values = evaluate(objectives, store)
        values.sum().backward()
        results.append((values.detach(), {name: captured.grad for name, captured in store.items()}))
    (values, grads), (expected, expected_grads) = results
    assert torch.allclose(values, expected, atol=1e-6)
    assert all(torch.allclose(grads[name], expected_grads[name], atol=1e-6) for name in grads)


def test_hooks_are_removed_after_an_error():
    model = tiny_model()
    broken = unit("b", 99)  # no such channel: raises inside the loop
    with pytest.raises(IndexError):
        render(model, [broken], steps=2, progress=False)
    assert all(not m._forward_hooks for m in model.module.modules())


def test_png_metadata_round_trip(tmp_path):
    result = render(tiny_model(), [unit("b", 0)], steps=3, progress=False)
    (path,) = save(result, tmp_path)
    assert Image.open(path).text["objective"] == "b:0"
    assert json.loads(path.with_suffix(".json").read_text())["steps"] == 3


def test_a_few_steps_on_lite0_raise_a_curve_unit(lite0):
    result = render(lite0, [unit("blocks.5.expand", 196)], size=73, steps=8, progress=False)
    assert result.history[-1] > result.history[0]


def test_a_centre_objective_is_rendered_on_the_canvas_alone_with_the_same_result():
    """Where the centre's receptive field fits the canvas, the robustness border is cut before the forward pass: the
    same images as rendering the whole warped batch (an objective that also reads the channel, times zero, is not
    cut), for about half the work."""
    model = tiny_model()  # receptive field 7 px, canvas 24 px
    with recording(model, ["b"], pre_activation=True) as store:
        assert _trim(model, [unit("b", 0)], store, 24 + 2 * PAD) == PAD
        assert _trim(model, [unit("b", 0) + 0 * unit("b", 0, position=None)], store, 24 + 2 * PAD) == 0
        assert _trim(model, [unit("b", 0)], store, 4 + 2 * PAD) == 0  # the field is wider than a 4 px canvas
    cut = render(model, [unit("b", 0), unit("b", 2)], steps=20, lr=0.05, seed=3, progress=False)
    whole = render(model, [unit("b", 0) + 0 * unit("b", 0, position=None),
                           unit("b", 2) + 0 * unit("b", 2, position=None)], steps=20, lr=0.05, seed=3, progress=False)
    torch.testing.assert_close(cut.images, whole.images, atol=1e-5, rtol=0)
    torch.testing.assert_close(cut.values, whole.values, atol=1e-5, rtol=1e-5)

import pytest
import torch

from probes.activations.capture import capture, layer_shapes
from probes.addressing import UnknownNameError


@pytest.fixture(scope="module")
def batch(lite0):
    return torch.rand(4, 3, lite0.input_size, lite0.input_size, generator=torch.Generator().manual_seed(0))


def test_capture_matches_the_full_forward(lite0, batch):
    early = capture(lite0, batch, ["blocks.5.expand"])["blocks.5.expand"]
    full = capture(lite0, batch, ["blocks.5.expand", "logits"])["blocks.5.expand"]
    assert early.shape == (4, 240, 28, 28)
    torch.testing.assert_close(early, full)


def test_forward_stops_after_the_deepest_requested_layer(lite0, batch):
    calls = []
    handle = lite0.module.network._blocks[6].register_forward_hook(lambda *args: calls.append(1))
    try:
        capture(lite0, batch, ["blocks.2", "blocks.5.expand"])
        assert calls == []
        capture(lite0, batch, ["blocks.6"])
        assert calls == [1]
    finally:
        handle.remove()


def test_pre_and_post_activation(lite0, batch):
    post = capture(lite0, batch, "blocks.5.expand")["blocks.5.expand"]
    pre = capture(lite0, batch, "blocks.5.expand", pre_activation=True)["blocks.5.expand"]
    assert post.min() >= 0 and post.max() <= 6  # ReLU6
    assert pre.min() < 0
    torch.testing.assert_close(post, pre.clamp(0, 6))


def test_centre_and_batching(lite0, batch):
    whole = capture(lite0, batch, "blocks.5.expand", batch_size=4)["blocks.5.expand"]
    centre = capture(lite0, batch, "blocks.5.expand", center=True, batch_size=3)["blocks.5.expand"]
    assert centre.shape == (4, 240)
    torch.testing.assert_close(centre, whole[:, :, 14, 14])


def test_batches_fill_one_tensor_equal_to_a_single_pass_in_the_same_layout(lite0, batch):
    whole = capture(lite0, batch, "blocks.5.expand", batch_size=4)["blocks.5.expand"]
    uneven = capture(lite0, batch, "blocks.5.expand", batch_size=3)["blocks.5.expand"]  # batches of 3 and 1
    torch.testing.assert_close(uneven, whole)
    assert uneven.dtype == torch.float32 and uneven.stride() == whole.stride()


def test_hooks_are_removed_after_capture(lite0, batch):
    capture(lite0, batch, ["blocks.5.expand"])
    assert all(not module._forward_hooks for module in lite0.module.modules())


def test_unknown_layer_names_close_matches(lite0, batch):
    with pytest.raises(UnknownNameError, match="blocks.5.expand"):
        capture(lite0, batch, ["blocks.5.expnd"])


def test_layer_shapes_cover_every_layer(lite0):
    shapes = layer_shapes(lite0)
    assert list(shapes) == list(lite0.layers)
    assert shapes["stem"] == (32, 112, 112)
    assert shapes["logits"] == (1000,)

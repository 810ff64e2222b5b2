import pytest
import torch

from probes.capture import capture
from probes.null_model import null_twin


@pytest.mark.parametrize("kind", ["gaussian", "shuffle"])
def test_null_twin_keeps_statistics_and_destroys_structure(lite0, kind):
    twin = null_twin(lite0, kind, seed=0)
    original = lite0.module.network._blocks[5]._expand_conv.weight
    redrawn = twin.module.network._blocks[5]._expand_conv.weight
    assert not torch.equal(original, redrawn)
    assert redrawn.mean().item() == pytest.approx(original.mean().item(), abs=0.01)
    assert redrawn.std().item() == pytest.approx(original.std().item(), rel=0.05)
    torch.testing.assert_close(twin.module.network._bn0.running_var, lite0.module.network._bn0.running_var)
    assert twin.null == kind and "null twin" in twin.weights and lite0.null is None


def test_null_twin_is_repeatable_and_layers_point_into_the_copy(lite0):
    a, b = null_twin(lite0, seed=3), null_twin(lite0, seed=3)
    torch.testing.assert_close(a.module.network._fc.weight, b.module.network._fc.weight)
    assert a.layers["blocks.5.expand"].activation is a.module.network._blocks[5].expand_act
    image = torch.rand(1, 3, 224, 224)
    assert not torch.equal(capture(a, image, "blocks.5.expand")["blocks.5.expand"],
                           capture(lite0, image, "blocks.5.expand")["blocks.5.expand"])


def test_unknown_kind_is_refused(lite0):
    with pytest.raises(ValueError, match="gaussian, shuffle"):
        null_twin(lite0, "zeros")

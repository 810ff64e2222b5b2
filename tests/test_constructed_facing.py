"""The dog-head positive control (`constructed_facing`) and its near misses: partners built separately, not as
copies under a flip; each near miss differs from the positive control in exactly one weight tensor, with the
same planted atlas; no constructed module leans on the instruments that judge it."""

import numpy as np
import pytest
import torch

from probes.constructed import facing, facing_near_misses
from probes.models import load_model, planted_atlas
from probes.photographs.mirror import blended, mirrored, peak_responses



def photographs(count: int = 16) -> torch.Tensor:
    images = torch.rand(count, 3, facing.INPUT_SIZE, facing.INPUT_SIZE, generator=torch.Generator().manual_seed(1))
    images[: count // 2, :, :, : facing.INPUT_SIZE // 2] *= 0.4  # brighter right half
    images[count // 2:, :, :, facing.INPUT_SIZE // 2:] *= 0.4  # brighter left half
    return images


def planted(name: str) -> dict:
    """The planted families without their provenance (which names the module that plants them)."""
    return {key: (f.layer, f.units, f.partners, f.concepts, f.description)
            for key, f in planted_atlas(name).families.items()}


def state(name: str) -> dict[str, torch.Tensor]:
    return load_model(name).module.network.state_dict()


def test_the_partner_is_not_the_mirror_copy_of_the_left_facing_unit():
    weight = state("constructed_facing")["facing.weight"]
    assert not torch.allclose(weight[1].flip(-1), weight[0])  # not a flipped copy
    luminance, darkness = 0, 1
    assert not torch.allclose(-weight[1, darkness].flip(-1), weight[0, luminance])  # nor one read through darkness
    left, right = facing.left_facing_profile(), facing.right_facing_profile()
    assert not torch.allclose(left.abs(), right.abs())  # different profiles and extents


def test_the_partner_answers_the_mirror_image_approximately():
    model = load_model("constructed_facing")
    images = photographs()
    photos, mirrors = peak_responses(model, images, "facing")["facing"], peak_responses(
        model, mirrored(images), "facing")["facing"]
    assert np.corrcoef(mirrors[:, 0], photos[:, 1])[0, 1] > 0.9
    assert np.corrcoef(mirrors[:, 1], photos[:, 0])[0, 1] > 0.9
    assert not np.allclose(mirrors[:, 0], photos[:, 1], atol=1e-3)


def test_the_union_answers_either_facing_and_nothing_to_both_at_once():
    model = load_model("constructed_facing")
    images = photographs()
    union = peak_responses(model, images, "union")["union"][:, 0]
    both = peak_responses(model, blended(images), "union")["union"][:, 0]
    assert np.all(union > 0.1) and np.all(both < 1e-4)


@pytest.mark.parametrize("name", sorted(facing_near_misses.NEAR_MISSES))
def test_each_near_miss_differs_in_one_weight_tensor_and_keeps_the_atlas(name):
    positive, near = state("constructed_facing"), state(name)
    changed = [key for key in positive if not torch.equal(positive[key], near[key])]
    assert len(changed) == 1, changed
    assert planted(name) == planted("constructed_facing")


def test_what_each_near_miss_plants_wrong():
    facing_weight = state("constructed_facing_not_mirror")["facing.weight"]
    assert facing_weight[1, 1].sum(0).abs().max() < 1e-6  # columns balanced: it ignores left versus right
    union = {name: state(name)["union.weight"][:, :, 0, 0] for name in facing_near_misses.NEAR_MISSES}
    assert union["constructed_facing_one_sided"][0, 1] == 0 < union["constructed_facing_one_sided"][0, 0]
    assert union["constructed_facing_uninhibited"][1, 1] == 0 and union["constructed_facing_uninhibited"][2, 0] == 0
    assert union["constructed_facing_linear_union"][0, 2] > 0

"""constructed_high_low holds what its docstring plants, and the high-low screen finds exactly that."""
import numpy as np
import pytest
import torch

from probes.atlas import Atlas
from probes.constructed import planted_atlas
from probes.models import load_model
from probes.receptive_field import receptive_field
from probes.stimuli.sets import high_low, high_low_set, luminance_edge
from probes.tuning import centre_responses, circular_distance, tuning_curves

GREY = (0.5, 0.5, 0.5)


@pytest.fixture(scope="module")
def network():
    return load_model("constructed_high_low")


@pytest.fixture(scope="module")
def field(network):
    return receptive_field(network, "boundaries")


def test_opposing_texture_units_do_not_hide_the_receptive_field(network):
    """Its texture layer holds a filter and its negative: a plain sum over channels would see no input at all."""
    assert receptive_field(network, "texture").size == 7


def test_family_units_prefer_their_planted_orientation(network, field):
    boundaries = high_low_set(field.canvas, orientations=72, high_period=4, low_period=20)
    responses = centre_responses(network, "boundaries", boundaries.images, background=GREY, units=range(16))
    curves = tuning_curves(responses, boundaries.params["orientation"].numpy())
    planted = planted_atlas("constructed_high_low").family("high_low").preferred_orientation
    errors = [circular_distance(c.preferred_orientation, planted[k]) for k, c in enumerate(curves)]
    assert max(errors) < 10


def test_uniform_texture_and_brightness_steps_leave_the_family_quiet(network, field):
    boundary = high_low_set(field.canvas, orientations=16, high_period=4, low_period=20)
    peak = centre_responses(network, "boundaries", boundary.images, background=GREY, units=range(16)).max(0)
    rates = torch.tensor([1 / 4, 1 / 20])
    uniform = high_low(field.canvas, torch.zeros(2), rates, rates)
    steps = luminance_edge(field.canvas, torch.arange(16) * 22.5)
    quiet = centre_responses(network, "boundaries", torch.cat([uniform, steps]), background=GREY, units=range(16))
    assert (quiet.max(0) < 0.2 * peak).all()


def test_discovery_finds_the_planted_family_and_nothing_else(tmp_path, natural_images_for, network):
    from probes.discover.__main__ import main

    natural_images_for(network)  # skips when there are no photographs
    atlas = tmp_path / "atlas.json"
    assert main(["high_low", "--model", "constructed_high_low", "--atlas", str(atlas), "--max-images", "50"]) == 0
    found = Atlas.load(atlas).family("high_low")
    assert found.layer == "boundaries" and sorted(found.units) == list(range(16))
    planted = planted_atlas("constructed_high_low").family("high_low").preferred_orientation
    assert np.median([circular_distance(found.preferred_orientation[u], planted[u]) for u in found.units]) < 5

"""Fixtures of universality claims: the reference network `model` is compared with, and both networks' unit
profiles.

The reference network of a universality claim: the network `model` is compared with.

    pytest claims/universality --model efficientnet_lite0 --model efficientnet_lite1 --model efficientnet_lite2

The first --model is the reference; each other model (and, with --controls, its null twin) is compared with it,
so each comparison is one ledger row with its own controls. A positive control compares two constructed
networks in which the same family is planted (`constructed_curves_twin` with `constructed_curves`). With one
model, universality claims are NOT RUN and say how to give more. The reference is loaded once per session
(per xdist worker) and its activations on the photographs are computed once, shared with its own claims.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from probes.measures.universality import LayerProfiles, layer_profiles
from zoom_in_claims.data import activations_for, atlas_for, require_family
from zoom_in_claims.models import ModelRequest, load_network
from zoom_in_claims.options import model_names
from zoom_in_claims.verdicts import model_request

# a constructed control -> the network it is compared with: the positive twin and its near miss
TWINS = {"constructed_curves_twin": "constructed_curves", "constructed_curves_twin_straightened": "constructed_curves"}


@dataclass
class Reference:
    model: object
    atlas: object
    activations: object


def reference_name(config, model_name: str) -> str:
    """The network `model_name` is compared with; NOT RUN (a skip) when there is none to compare with."""
    names = model_names(config)
    if model_name in TWINS:
        return TWINS[model_name]
    if len(names) < 2:
        pytest.skip(f"universality compares networks: give two or more, e.g. --model {names[0]} "
                    f"--model efficientnet_lite1 (the first is the reference)")
    if model_name == names[0]:
        pytest.skip(f"{model_name} is the reference the other models are compared with")
    return names[0]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A comparison with nothing to compare is NOT RUN before its fixtures are set up: otherwise a null twin would
    be built (seconds of batch-norm recalibration) only for its claim to skip."""
    request = model_request(item)
    if "reference" in item.fixturenames and request is not None:
        reference_name(item.config, request.name)


@pytest.fixture(scope="session")
def reference(model, request) -> Reference:
    config = request.config
    name = reference_name(config, model.name)
    loaded = load_network(config, ModelRequest(name))
    if isinstance(loaded, Exception):
        pytest.skip(f"reference {name}: weights not available: {loaded}")
    return Reference(loaded, atlas_for(config, name, first_model=True), activations_for(config, loaded))


PROFILES = pytest.StashKey[dict]()


def profiles_for(config, model, atlas, activations) -> LayerProfiles:
    cache = config.stash.setdefault(PROFILES, {})
    if id(model) not in cache:
        cache[id(model)] = layer_profiles(model, require_family(atlas, "curves"), activations)
    return cache[id(model)]


@pytest.fixture(scope="session")
def compared(model, atlas, activations, reference, request) -> tuple[LayerProfiles, LayerProfiles]:
    """(reference's profiles, model's profiles) of their curve families' layers, each computed once."""
    return (profiles_for(request.config, reference.model, reference.atlas, reference.activations),
            profiles_for(request.config, model, atlas, activations))

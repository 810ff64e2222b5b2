"""The `model` fixture: each chosen model loaded once per session, and with --controls the two controls of
every claim: the model's null twins (the architecture initialised as for training, with batch norms
recalibrated on photographs, one per seed of --null-seeds: each prediction must be refuted on most of them), the
claim's positive control (a constructed network in which the claim is true by construction: it must hold) and its
near miss (the mechanism planted wrong in exactly the claimed respect: it must be refuted).
Every network's activation health on the layers its atlas reads is measured once and travels with its entries."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

import torch

from probes.activations.health import layer_health
from probes.models import WeightsUnavailable, load_model
from probes.models.null_model import null_twin
from probes.photographs.images import split
from probes.records.timing import stage
from zoom_in_claims.claims import claim_of
from zoom_in_claims.data import atlas_for, images_for, release
from zoom_in_claims.options import DEFAULT_MODEL, model_names

CALIBRATION_PHOTOGRAPHS = 64  # batch-norm statistics of a null twin: enough for a stable mean and variance
HEALTH_PHOTOGRAPHS = 32

LOADED = pytest.StashKey[dict]()


@dataclass(frozen=True)
class ModelRequest:
    name: str
    null: str | None = None  # the kind of null twin, for a null control
    control: str | None = None  # "positive" or "near_miss": `name` is a constructed network (the claim's control)
    seed: int | None = None  # the null twin's seed

    @property
    def role(self) -> str:
        """What the network is to the claim: trained, null, positive or near_miss (the one place this is decided)."""
        return "null" if self.null else self.control or "trained"

    @property
    def id(self) -> str:
        return {"trained": self.name, "null": f"{self.name}-null{self.seed}", "positive": f"{self.name}-positive",
                "near_miss": f"{self.name}-near-miss"}[self.role]


def pytest_generate_tests(metafunc):
    if "model" not in metafunc.fixturenames:
        return
    config = metafunc.config
    names = model_names(config)
    requests = [ModelRequest(name) for name in names]
    declared = claim_of(metafunc.definition)
    controls = config.getoption("controls")
    if controls and declared is not None:
        seeds = range(config.getoption("null_seeds"))
        requests += [ModelRequest(name, controls, seed=seed) for name in names for seed in seeds]
        requests += [ModelRequest(name, control=role) for role, name in declared.controls.items() if name not in names]
    # Session scope: pytest groups the items by model, so each model is built once.
    metafunc.parametrize("model", requests, indirect=True, ids=[r.id for r in requests], scope="session")


def load_network(config, request: ModelRequest):
    cache = config.stash.setdefault(LOADED, {})
    if request not in cache:
        if request.control:  # the same network as a run that names it with --model
            cache[request] = load_network(config, ModelRequest(request.name))
        elif request.null is None:
            try:
                with stage("model load", request.name):
                    cache[request] = load_model(request.name, device=config.getoption("device"))
            except WeightsUnavailable as error:
                cache[request] = error
        else:
            trained = load_network(config, ModelRequest(request.name))
            cache[request] = trained if isinstance(trained, Exception) else null_twin(
                trained, request.null, seed=request.seed, images=calibration_photographs(config, trained))
        if not isinstance(cache[request], Exception):
            cache[request].extra["health"] = network_health(config, cache[request])
    return cache[request]


def random_twins(config, model, count: int) -> list:
    """`count` random-weight networks to compare `model` with: the run's null twins of its trained network (its own
    for a constructed one), seeds 1, 2, ..., passing over a null twin's own seed, so that a null control is
    compared with other null twins and never with itself. Each is built once per session, shared with the null
    control of its seed, and its measurements are kept in the disk store under the same keys."""
    own = model.extra.get("null_seed") if model.null else None
    seeds = [seed for seed in range(1, count + 2) if seed != own][:count]
    return [load_network(config, ModelRequest(model.name, "init", seed=seed)) for seed in seeds]


def calibration_photographs(config, model) -> torch.Tensor:
    """The photographs a null twin's batch norms are recalibrated on: the first of the discovery half."""
    photographs = split(images_for(config, model), "discovery")
    return photographs.take(slice(0, CALIBRATION_PHOTOGRAPHS))


def network_health(config, model) -> dict | None:
    """Activation std, dead and saturated fractions on the layers the model's atlas reads (None without one)."""
    try:
        atlas = atlas_for(config, model.name)
    except pytest.skip.Exception:
        return None
    layers = sorted({family.layer for family in atlas.families.values()} | set(atlas.late_layers or ()),
                    key=list(model.layers).index)
    photographs = split(images_for(config, model), "confirmation").take(slice(0, HEALTH_PHOTOGRAPHS))
    return {layer: health.to_dict() for layer, health in layer_health(model, photographs, layers).items()}


@pytest.fixture(scope="session")
def model(request):
    """The network under test: a `probes.models.Model` (trained, or its null twin under --controls)."""
    loaded = load_network(request.config, getattr(request, "param", ModelRequest(DEFAULT_MODEL)))
    if isinstance(loaded, WeightsUnavailable):
        pytest.skip(f"weights not available: {loaded}")
    yield loaded
    release(request.config, loaded)  # its claims are done: its measurements wait in the disk store, not in memory

"""Data fixtures: natural images, cached activations on them, the model's atlas, evidence."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from probes import defaults
from probes.activations import store
from probes.activations.measured import Activations, PhotographPeaks
from probes.discover.rescreen import rescreen
from probes.models import planted_atlas
from probes.photographs.images import list_images, load_image_folder, split, split_positions
from probes.records.atlas import Atlas, default_atlas_path
from probes.records.evidence import Evidence
from probes.records.provenance import atlas_digest
from probes.records.timing import network_of
from zoom_in_claims import registry
from zoom_in_claims.claims import claim_of
from zoom_in_claims.options import model_names

IMAGES = pytest.StashKey[dict]()


def image_folder(config) -> Path:
    return defaults.image_folder(config.getoption("images"))


@pytest.fixture(scope="session")
def image_paths(request) -> list[Path]:
    """The natural images' files, sorted, undecoded: for instruments that stream (probes.photographs.streaming), so a
    folder of any size fits in memory. Position i is the same photograph as `images` position i."""
    return list_images(image_folder(request.config))


def images_for(config, model):
    """The natural images (a `probes.photographs.images.ImageSet`) preprocessed for `model`;
    loaded once per preprocessing."""
    cache = config.stash.setdefault(IMAGES, {})
    if model.preprocessing not in cache:
        cache[model.preprocessing] = load_image_folder(image_folder(config), model.preprocessing)
    return cache[model.preprocessing]


@pytest.fixture(scope="session")
def images(model, request):
    """The natural images (a `probes.photographs.images.ImageSet`), preprocessed for the model;
    loaded once per preprocessing."""
    return images_for(request.config, model)


PEAKS = pytest.StashKey[dict]()


def peaks_for(config, model) -> PhotographPeaks:
    """The session's one `PhotographPeaks` of `model`, over the late layers of its atlas (none without one)."""
    cache = config.stash.setdefault(PEAKS, {})
    if id(model) not in cache:
        cache[id(model)] = PhotographPeaks(model, images_for(config, model), peak_layers(config, model))
    return cache[id(model)]


def peak_layers(config, model) -> list[str]:
    """The layers whose photograph peaks a network computes in one pass: the late layers of its model's atlas
    (`late_layers_of`; none without an atlas). A null twin's are its trained network's: the same layers."""
    try:
        atlas = atlas_for(config, model.name, first_model=model.name == model_names(config)[0])
    except pytest.skip.Exception:
        return []
    return late_layers_of(atlas)


def late_layers_of(atlas: Atlas) -> list[str]:
    """The layers whose photograph peaks claims and rescreens read: the facing, union and polysemantic families'
    and the atlas's late layers."""
    names = [atlas.families[name].layer for name in LATE_FAMILIES if name in atlas.families]
    return list(dict.fromkeys(names + list(atlas.late_layers or ())))


LATE_FAMILIES = ("facing", "facing_union", "polysemantic")


@pytest.fixture(scope="session")
def photograph_peaks(model, request) -> PhotographPeaks:
    """`photograph_peaks(layers)` -> {layer: (N, C)}: each unit's peak response on each natural image."""
    return peaks_for(request.config, model)


ACTIVATIONS = pytest.StashKey[dict]()


def activations_for(config, model) -> Activations:
    """The session's one `Activations` of `model`, shared by every claim (and comparison) that reads it."""
    cache = config.stash.setdefault(ACTIVATIONS, {})
    if id(model) not in cache:
        cache[id(model)] = Activations(model, images_for(config, model))
    return cache[id(model)]


def release(config, model) -> None:
    """Drop the session's activations and photograph peaks of `model` (a later request reads the disk store)."""
    for key in (ACTIVATIONS, PEAKS):
        config.stash.get(key, {}).pop(id(model), None)


@pytest.fixture(scope="session")
def activations(model, request):
    """`activations(layers, pre_activation=False)` -> {layer: (N, C, H, W)} on the natural images, cached."""
    return activations_for(request.config, model)


def atlas_for(config, model_name: str, *, first_model: bool = True) -> Atlas:
    """The atlas of a model's unit families: a constructed network's planted ground truth, else --atlas (which
    names the first model's atlas only), else atlases/<model>.json. NOT RUN when there is none."""
    planted = planted_atlas(model_name)
    if planted is not None:
        return planted
    chosen = (config.getoption("atlas") or os.environ.get("ZOOM_IN_ATLAS")) if first_model else None
    path = Path(chosen) if chosen else default_atlas_path(model_name)
    if not path.exists():
        pytest.skip(f"no atlas for {model_name} at {path}; discover one with "
                    f"`python -m probes.discover curves --model {model_name}` or pass --atlas PATH")
    return Atlas.load(path)


@pytest.fixture(scope="session")
def atlas(model, request):
    """The atlas of the model's unit families: the trained model's, a constructed network's planted ground truth,
    or, for a null twin, its own families chosen by the same screens at the same layers (`NullFamilies`)."""
    trained = atlas_for(request.config, model.name, first_model=model.name == model_names(request.config)[0])
    if model.null is None:
        return trained
    return replace(trained, families=NullFamilies(model, trained, images_for(request.config, model),
                                                  peaks_for(request.config, model)))



class NullFamilies(dict):
    """A null twin's families, each chosen the first time a claim asks for it by the screen that found the trained
    family, at the same layer and of the same size (probes.discover.rescreen), on the discovery photographs: the
    null goes through the same selection as the trained network, so a claim compares like with like."""

    def __init__(self, model, trained: Atlas, photographs, peaks: PhotographPeaks):
        super().__init__(trained.families)
        self._model, self._trained = model, trained
        self._photographs = split(photographs, "discovery")
        self._peaks, self._discovery = peaks, split_positions(len(photographs), "discovery")
        self._pending = set(trained.families)

    def __getitem__(self, name):
        if name in self._pending:
            together = [n for n in FACING if n in self] if name in FACING else [name]  # pairs and their union
            parts = (store.network_key(self._model), atlas_digest(self._trained), self._photographs.digest or None,
                     tuple(together), store.source_digest("probes"))
            fresh = store.stored("rescreened families", parts, lambda: self._rescreen(together),
                                 network=network_of(self._model))
            for chosen in together:
                super().__setitem__(chosen, fresh[chosen])
                self._pending.discard(chosen)
        return super().__getitem__(name)

    def _rescreen(self, names: list[str]) -> dict:
        late = [self._trained.families[name].layer for name in names if name in LATE_FAMILIES]
        peaks = {layer: values[self._discovery] for layer, values in self._peaks(late).items()} if late else {}
        chosen = rescreen(self._model, self._trained, self._photographs, families=names, peaks=peaks)
        return {name: family for name, family in chosen.families.items() if name in names}

    @property
    def trained(self) -> Atlas:
        return self._trained

    def get(self, name, default=None):
        return self[name] if name in self else default

    def values(self):
        return [self[name] for name in self]

    def items(self):
        return [(name, self[name]) for name in self]


FACING = ("facing", "facing_union")  # rescreened together: the union units read the pairs


def require_family(atlas: Atlas, name: str):
    """The atlas family `name`, or NOT RUN when this model's atlas has none."""
    if name not in atlas.families:
        pytest.skip(f"the atlas of {atlas.model} has no {name!r} family (has: {', '.join(atlas.families) or 'none'})")
    return atlas.family(name)


@pytest.fixture
def evidence(request):
    """`evidence.measure(statistic, value, ci=..., n=...)`: judged against the claim's declared predictions (and
    any superseded by an amendment in the registry), recorded as context otherwise."""
    declared = claim_of(request.node)
    entry = registry.registry_entry(request.config, declared.id) if declared else None
    recorded = Evidence(declared.predictions if declared else {}, registry.superseded(entry))
    request.node.stash[EVIDENCE] = recorded
    return recorded


EVIDENCE = pytest.StashKey[Evidence]()

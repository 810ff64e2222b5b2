"""Verdicts kept between runs: a claim whose inputs have not changed since it last ran on a network is not run
again; its reports (verdict, measurements, reason) are read from the disk store and replayed, marked as reused.

A verdict is keyed by everything that can change it:
  the claim's file and the conftest files above it, and its registry entry (an amendment changes it);
  the source of every instrument and of this plugin (`probes`, `zoom_in_claims`): any change to them runs
      every claim again;
  the network: its class's source, its layers as printed, its live weights and, for a user's model, the
      factory's module (a null twin: the trained network's, its kind and seed; a universality claim: the
      reference network's too);
  the photographs (names, sizes and times, and the model's preprocessing), the atlas, the device, the
      published reference data (names, sizes, times), the Hypothesis profile, and the versions of Python, torch
      and numpy. Not the ZOOM_IN_* paths themselves: what they point at is in the key.
So a second run after editing one claim file runs that claim alone, and the per-stage breakdown shows the rest as
"reused verdicts". Only verdicts a claim reached are kept (HOLDS, REFUTED, INCONCLUSIVE, EXPECTED-REFUTED):
an ERROR or a setup that did not finish is run again. `--recompute` runs everything; `--report` does too, since
its figures are drawn as the claims run. The store is probes.activations.store's ($ZOOM_IN_CACHE).
"""
from __future__ import annotations

import inspect
import json
import os
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path

import pytest

from probes.activations import store
from probes.defaults import reference_folder
from probes.models.user import find_factory
from probes.photographs.images import list_images
from probes.records.provenance import atlas_digest, file_digest
from zoom_in_claims import registry
from zoom_in_claims.claims import claim_of
from zoom_in_claims.data import atlas_for, image_folder
from zoom_in_claims.models import ModelRequest, load_network
from zoom_in_claims.options import model_names
from zoom_in_claims.universality import reference_name
from zoom_in_claims.verdicts import (ERROR, EXPECTED_REFUTED, HOLDS, INCONCLUSIVE, REFUTED, model_request,
                                     serial_nodeid)

KIND = "verdicts"
KEPT = {HOLDS, REFUTED, INCONCLUSIVE, EXPECTED_REFUTED}
STAGE = "reused verdicts"
NETWORKS = pytest.StashKey[dict]()  # ModelRequest -> what identifies its network
ENVIRONMENT = pytest.StashKey[str]()


def enabled(config) -> bool:
    return not (config.getoption("recompute") or config.getoption("report")) and store.store_dir() is not None


def _environment(config) -> str:
    """The settings, versions and published reference data every claim may read; read once per run."""
    if ENVIRONMENT not in config.stash:
        config.stash[ENVIRONMENT] = _read_environment()
    return config.stash[ENVIRONMENT]


def _read_environment() -> str:
    # The ZOOM_IN_* paths are not part of the key: what they point at is (photographs, atlas, registry, weights,
    # reference data), so moving a folder or setting one to its default keeps the verdicts. CI picks the profile.
    settings = {k: v for k, v in os.environ.items() if k in ("HYPOTHESIS_PROFILE", "CI")}
    versions = {name: metadata.version(name) for name in ("torch", "numpy")} | {"python": sys.version}
    reference = reference_folder()
    published = sorted((str(p.relative_to(reference)), p.stat().st_size, p.stat().st_mtime_ns)
                       for p in reference.rglob("*") if p.is_file()) if reference.is_dir() else []
    return json.dumps([settings, versions, published], sort_keys=True)


def _photographs(config, preprocessing) -> str:
    files = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in list_images(image_folder(config))]
    return store.entry_key("photographs", (files, repr(preprocessing)))


def _network(config, request: ModelRequest) -> tuple[str, str, str] | None:
    """(the network's key, its photographs' key, its atlas's digest), or None when it cannot be loaded."""
    trained = load_network(config, ModelRequest(request.name) if request.null else request)
    if isinstance(trained, Exception):
        return None
    key = store.network_key(trained)
    if key is None:
        return None
    key = f"{key}|{trained.module!r}"  # the layers between the weights (a ReLU made a GELU changes no weight)
    if ":" in request.name:  # a user's factory: its module's source, whatever else it sets
        key = f"{key}|{file_digest(inspect.getsourcefile(find_factory(request.name)))}"
    if request.null:
        key = f"{key}|null {request.null} seed {request.seed}"
    try:
        atlas = atlas_digest(atlas_for(config, request.name,
                                       first_model=request.name == model_names(config)[0]))
    except pytest.skip.Exception:
        atlas = "no atlas"
    return key, _photographs(config, trained.preprocessing), atlas


def _network_once(config, request: ModelRequest) -> tuple[str, str, str] | None:
    """`_network`, computed once per run for each network."""
    cache = config.stash.setdefault(NETWORKS, {})
    if request not in cache:
        cache[request] = _network(config, request)
    return cache[request]


def _claim_files(item) -> list[str]:
    path = Path(item.path)
    conftests = [folder / "conftest.py" for folder in path.parents
                 if (folder / "conftest.py").is_file() and item.config.rootpath in (folder, *folder.parents)]
    return [file_digest(f) for f in [path, *conftests]]


def verdict_key(item) -> str | None:
    """The store key of this item's verdict, or None when it cannot be reused (not a claim, no network)."""
    declared, request = claim_of(item), model_request(item)
    if declared is None or request is None:
        return None
    config = item.config
    network = _network_once(config, request)
    if network is None:
        return None
    parts = [serial_nodeid(item), _claim_files(item), json.dumps(registry.registry_entry(config, declared.id),
                                                                 sort_keys=True),
             store.source_digest("probes", "zoom_in_claims"), network, config.getoption("device"),
             _environment(config)]
    if "reference" in item.fixturenames:
        try:
            name = reference_name(config, request.name)
        except pytest.skip.Exception:
            name = None
        if name is not None:
            compared = _network_once(config, ModelRequest(name))
            if compared is None:
                return None
            parts.append(compared)
    return store.entry_key(KIND, tuple(parts))


def _key_or_none(item) -> str | None:
    """The item's key, or None (run it) when reuse is off or the key cannot be made: keeping verdicts saves time
    and must never cost a result."""
    if not enabled(item.config):
        return None
    try:
        return verdict_key(item)
    except Exception as error:  # noqa: BLE001 -- the item runs, and its own fixtures report the problem
        warnings.warn(f"{item.nodeid}: its verdict cannot be kept ({type(error).__name__}: {error}); running it",
                      stacklevel=1)
        return None


def _replay(item, saved: list[dict]) -> None:
    started = time.perf_counter()
    hook = item.ihook
    hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = [item.config.hook.pytest_report_from_serializable(config=item.config, data=data) for data in saved]
    seconds = time.perf_counter() - started
    for report in reports:
        report.nodeid, report.location = item.nodeid, item.location
        entry = getattr(report, "claim_entry", None)
        if entry is not None:
            network = entry["stages"][0]["network"] if entry.get("stages") else entry["model"]
            entry["reused"] = {"duration": entry["duration"], "setup_duration": entry["setup_duration"],
                               "stages": entry["stages"], "peak_memory_gb": entry.get("peak_memory_gb")}
            entry.update(duration=round(seconds, 2), setup_duration=0.0, peak_memory_gb=None,
                         stages=[{"stage": STAGE, "network": network, "detail": "", "seconds": seconds}])
        hook.pytest_runtest_logreport(report=report)
    hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)


class KeptVerdicts:
    """The plugin: keys each claim item before it runs, replays a kept verdict instead of running it, and keeps
    the verdict of one that ran."""

    def __init__(self, config):
        self.config = config
        self.running: dict[str, tuple[str | None, list]] = {}  # nodeid -> (its key, its reports so far)
        self.replayed: set[str] = set()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        key = _key_or_none(item)
        self.running[item.nodeid] = (key, [])
        try:
            return (yield)
        finally:
            _, reports = self.running.pop(item.nodeid)
            if key is not None and item.nodeid not in self.replayed and _reached_verdict(reports):
                store.save(KIND, (key,), [self.config.hook.pytest_report_to_serializable(config=self.config,
                                                                                         report=report)
                                          for report in reports], network=model_request(item).id)

    @pytest.hookimpl(tryfirst=True, specname="pytest_runtest_protocol")
    def pytest_replay_kept_verdict(self, item, nextitem):  # pytest reads only pytest_* names
        key, _ = self.running[item.nodeid]
        saved = store.load(KIND, (key,)) if key is not None else store.MISSING
        if saved is store.MISSING:
            return None
        # The item's fixtures are never set up; what the previous item left standing is torn down as pytest would.
        item.session._setupstate.teardown_exact(nextitem)
        self.replayed.add(item.nodeid)
        _replay(item, saved)
        return True

    def pytest_runtest_logreport(self, report):
        if report.nodeid in self.running:  # on an xdist controller nothing runs: nothing is gathered
            self.running[report.nodeid][1].append(report)


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("zoom-in-kept-verdicts"):
        config.pluginmanager.register(KeptVerdicts(config), "zoom-in-kept-verdicts")


def _reached_verdict(reports) -> bool:
    """Setup and teardown passed and the claim reached a verdict worth keeping (never an ERROR)."""
    phases = {r.when: r for r in reports}
    return (set(phases) == {"setup", "call", "teardown"} and phases["setup"].passed and phases["teardown"].passed
            and getattr(phases["call"], "claim_verdict", ERROR) in KEPT)

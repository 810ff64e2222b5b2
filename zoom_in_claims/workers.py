"""Scaling out on pytest-xdist: `pytest claims -n 2`.

Each network's claims go to one worker (`NetworkScheduling`, chosen here unless --dist is given): that worker
loads the network once and runs its forward passes once. The trained model, its null twin and a positive
control are three networks, so three groups. Torch threads are shared out so that N workers do not
oversubscribe the cores. Entries and figures reach the controller with the test reports (zoom_in_claims.verdicts,
zoom_in_claims.report), so the ledger and the report are the same as a serial run's.

Why not xdist's own `loadgroup`: it tells the controller an item's group by appending `@group` to the item's node
id on the worker, and from pytest 9.2 a node id can no longer be changed that way (pytest-xdist issue 1386): the
groups are silently lost and every network's items are dealt to every worker, each of which then loads the
network and measures it again. Here the workers write each item's network to a file the controller reads.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
import torch
from xdist.scheduler import LoadScopeScheduling

from zoom_in_claims.verdicts import model_request

GROUPS = pytest.StashKey[Path]()  # the controller's folder where workers write {node id: network}


def _dist_chosen(config) -> bool:
    return any(arg == "--dist" or arg.startswith("--dist=") for arg in config.invocation_params.args)


def pytest_configure(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(workerinput["workercount"])))
    elif getattr(config.option, "dist", "no") == "load" and not _dist_chosen(config):
        config.option.dist = "loadgroup"  # what a user would choose; the scheduler is ours (below)
        config.stash[GROUPS] = Path(tempfile.mkdtemp(prefix="zoom-in-groups-"))


def pytest_unconfigure(config):
    if GROUPS in config.stash:
        shutil.rmtree(config.stash[GROUPS], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)  # xdist: what the controller tells each worker as it starts
def pytest_configure_node(node):
    if GROUPS in node.config.stash:
        node.workerinput["zoom_in_groups"] = str(node.config.stash[GROUPS])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if GROUPS in config.stash:
        return NetworkScheduling(config, log, config.stash[GROUPS])
    return None


def network_groups(items) -> dict[str, str]:
    """{node id: the id of the network the item runs on}, for the items that run on one."""
    groups = {}
    for item in items:
        request = model_request(item)
        if request is not None:
            groups[item.nodeid] = request.id
    return groups


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(config, items):
    groups = network_groups(items)
    for item in items:  # xdist's own marks, for a user who chooses --dist loadgroup
        if item.nodeid in groups:
            item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
    folder = getattr(config, "workerinput", {}).get("zoom_in_groups")
    if folder:  # written before the worker reports its collection, so before the controller schedules
        path = Path(folder) / f"{config.workerinput['workerid']}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(groups))
        temporary.replace(path)


class NetworkScheduling(LoadScopeScheduling):
    """xdist's scope scheduling (the largest scopes first; a worker that runs short gets the next whole scope), one
    scope per network, read from the workers' files. An item without a network is a scope of its own."""

    def __init__(self, config, log, folder: Path):
        super().__init__(config, log)
        self.folder = folder
        self._groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:  # first asked once every worker has collected, so every file is written
            self._groups = self._read()
        return self._groups.get(nodeid, nodeid)

    def _read(self) -> dict[str, str]:
        for path in sorted(self.folder.glob("*.json")):  # every worker collects the same items: one file will do
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):
                continue
        warnings.warn(f"no worker named its items' networks in {self.folder} (workers on another machine?): "
                      "items are dealt out one by one, and a network may be loaded on several workers")
        return {}

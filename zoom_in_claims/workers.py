"""Scaling out on pytest-xdist: `pytest claims -n 2`.

Each network's claims go to one worker (xdist's `loadgroup`, chosen here unless --dist is given): that worker
loads the network once and runs its forward passes once. The trained model, its null twin and a positive
control are three networks, so three groups. Torch threads are shared out so that N workers do not
oversubscribe the cores. Entries and figures reach the controller with the test reports (zoom_in_claims.verdicts,
zoom_in_claims.report), so the ledger and the report are the same as a serial run's.
"""
from __future__ import annotations

import os

import pytest
import torch

from zoom_in_claims.verdicts import model_request


def _dist_chosen(config) -> bool:
    return any(arg == "--dist" or arg.startswith("--dist=") for arg in config.invocation_params.args)


def pytest_configure(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(workerinput["workercount"])))
    elif getattr(config.option, "dist", "no") == "load" and not _dist_chosen(config):
        config.option.dist = "loadgroup"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        request = model_request(item)
        if request is not None:
            item.add_marker(pytest.mark.xdist_group(request.id))


"""Command-line options of the suite, and the Hypothesis profiles."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from probes.defaults import DEFAULT_MODEL
from probes.models.null_model import KINDS as NULL_KINDS

NULL_SEEDS = 5


def model_names(config) -> list[str]:
    """The models named with --model, or the default one."""
    return config.getoption("model") or [DEFAULT_MODEL]

settings.register_profile("ci", derandomize=True, max_examples=25, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def add_options(parser):
    group = parser.getgroup("zoom-in", "claims about features and circuits")
    group.addoption("--model", action="append", default=None, metavar="NAME",
                    help=f"model to test (repeatable; default {DEFAULT_MODEL}). A zoo name "
                         "(python -m probes.models list) or package.module:factory")
    group.addoption("--device", default="cpu", choices=["cpu", "cuda"], help="where models run")
    group.addoption("--images", default=None, metavar="DIR",
                    help="natural image folder (default: $ZOOM_IN_IMAGES, else ../shared/data/imagenet-samples)")
    group.addoption("--atlas", default=None, metavar="PATH",
                    help="atlas file for the model (default: $ZOOM_IN_ATLAS, else atlases/<model>.json)")
    group.addoption("--controls", nargs="?", const="init", default=None, choices=list(NULL_KINDS),
                    help="also run every claim on null twins of the model (the architecture initialised as for "
                         "training: 'init', or its weights permuted: 'shuffle'), where each prediction must be "
                         "refuted, and on the claim's positive control, where it must hold")
    group.addoption("--null-seeds", type=int, default=NULL_SEEDS, metavar="N",
                    help=f"null twins per model under --controls (default {NULL_SEEDS}); a prediction is "
                         "falsifiable when most of them refute it")
    group.addoption("--registry", default=None, metavar="PATH",
                    help="registry of the claims' predictions (default: $ZOOM_IN_REGISTRY, else "
                         "<rootdir>/claims/registry.json); a claim that differs from it stops the run")
    group.addoption("--ledger", default=None, metavar="DIR", help="write ledger.json and ledger.md into DIR")
    group.addoption("--report", default=None, metavar="DIR",
                    help="write a static HTML report into DIR: index.html, a page per claim and per unit, figures")
    group.addoption("--recompute", action="store_true",
                    help="run every claim again, even one whose inputs are unchanged since its verdict was kept "
                         "in the disk store ($ZOOM_IN_CACHE)")

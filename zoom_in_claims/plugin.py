"""The suite's pytest plugin: one module per job, registered here.

options   command-line options and the Hypothesis CI profile
models    the `model` fixture, parametrised over --model and, with --controls, null twins
data      natural images, their activations and peak responses (kept in the disk store), atlases
curves    the curve family and its confirmation stimuli, for every claim about curves or their circuits
high_low  the high-low frequency family and its confirmation stimuli
facing    the facing pairs and union units, and their responses to dog photographs and mirror images
semantics the late layers of polysemantic and superposition claims, and every unit's response to every photograph
registry  the committed predictions of every claim, checked before the run (claims/registry.json)
verdicts  maps a claim's outcome to HOLDS / REFUTED / INCONCLUSIVE / ERROR / NOT RUN / EXPECTED-REFUTED
ledger    the end-of-run table, ledger.json and ledger.md
universality  the reference network of comparison claims, and unit profiles of both
validation  one usage error per bad option, at configure time
report    --report DIR: the HTML report, and the `figures` fixture claims attach figures with
workers   pytest-xdist: one worker per network, torch threads shared out
reuse     verdicts kept in the disk store: a claim whose inputs have not changed is replayed, not run
"""
import importlib

from probes.allocator import keep_freed_memory
from zoom_in_claims.options import add_options

# The plugin's modules, registered in this order. A new family's fixtures module goes in FIXTURES (claims/README.md,
# "Add a family, end to end"); nothing else names it.
CORE = ("options", "validation", "registry", "models", "data")
FIXTURES = ("curves", "high_low", "facing", "semantics", "universality")
RUN = ("verdicts", "ledger", "report", "workers", "reuse")
MODULES = tuple(importlib.import_module(f"zoom_in_claims.{name}") for name in CORE + FIXTURES + RUN)


def pytest_configure(config):
    keep_freed_memory()  # before any pass: freed activations stay for the next (probes/allocator.py)
    for module in MODULES:
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, f"zoom-in-{module.__name__.rsplit('.', 1)[-1]}")


def pytest_addoption(parser):
    add_options(parser)

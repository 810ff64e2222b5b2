"""The model zoo: every network the suite can put under the microscope.

    from probes.models import load_model
    model = load_model("efficientnet_lite0")      # or "inceptionv1", "googlenet", "pkg.mod:factory"
"""
from probes.models.catalogue import entries, get_entry, load_model, planted_atlas  # noqa: F401
from probes.zoo import (  # noqa: F401
    Layer, Model, Preprocessing, WeightsIntegrityError, WeightsUnavailable, ZooEntry,
)

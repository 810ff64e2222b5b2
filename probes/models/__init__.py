"""The model zoo: every network the suite can put under the microscope.

    from probes.models import load_model
    model = load_model("efficientnet_lite0")      # or "inceptionv1", "googlenet", "pkg.mod:factory"
"""
from probes.models.zoo import (  # noqa: F401
    Layer, Model, Preprocessing, WeightsIntegrityError, WeightsUnavailable, ZooEntry, entries, get_entry, load_model,
)

"""Imports every built-in zoo module so that its `register(...)` calls run."""
from probes.constructed import curves as constructed_curves  # noqa: F401
from probes.constructed import twin as constructed_twin  # noqa: F401
from probes.models import efficientnet_lite, inceptionv1, torchvision_zoo  # noqa: F401
from probes.constructed import high_low as constructed_high_low  # noqa: F401
from probes.constructed import facing as constructed_facing  # noqa: F401
from probes.constructed import concepts as constructed_concepts  # noqa: F401

"""Imports every built-in zoo module so that its `register(...)` calls run."""
from probes.models import efficientnet_lite, inceptionv1, torchvision_zoo  # noqa: F401

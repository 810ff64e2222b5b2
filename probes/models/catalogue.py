"""Imports every built-in zoo module so that its `register(...)` calls run."""
from probes.models import efficientnet_lite  # noqa: F401

"""Imports every built-in zoo module so that its `register(...)` calls run: the trained models' modules by name,
and every module of probes/constructed (positive controls and near misses), whatever its file is called."""
import importlib
import pkgutil

import probes.constructed
from probes.models import efficientnet_lite, inception_v3_tf, inceptionv1, torchvision_zoo  # noqa: F401

for _module in pkgutil.iter_modules(probes.constructed.__path__):
    importlib.import_module(f"probes.constructed.{_module.name}")

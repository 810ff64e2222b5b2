"""Check the suite's options once, before collection, so a bad option is one usage error (exit code 4)
instead of the same traceback repeated by every test that uses it.

Only cheap checks: model names are looked up (a user's module is imported, its factory not called), the image
folder is listed, the atlas parsed. No weights are loaded here.
"""
from __future__ import annotations

import os

import pytest

from probes.addressing import UnknownNameError
from probes.models import get_entry
from probes.models.user import find_factory
from probes.photographs.images import ImageFolderError, list_images
from probes.records.atlas import Atlas, AtlasError


def pytest_configure(config):
    if config.getoption("help", False):  # `pytest --help --model typo` should still show the help
        return
    problems = [*_model_problems(config), *_image_problems(config), *_atlas_problems(config)]
    if problems:
        raise pytest.UsageError(*problems)  # pytest prints each argument as its own "ERROR:" line


def _model_problems(config):
    for name in dict.fromkeys(config.getoption("model") or []):  # each distinct name once, in order
        try:
            if ":" in name:
                find_factory(name)
            else:
                get_entry(name)
        except UnknownNameError as error:
            yield f"--model {name}: {error}"


def _image_problems(config):
    # Only a folder the user chose: without one, the default may be absent and tests that need images say so.
    folder = config.getoption("images") or os.environ.get("ZOOM_IN_IMAGES")  # as zoom_in_claims.data.image_folder
    if folder:
        try:
            list_images(folder)
        except ImageFolderError as error:
            yield f"{'--images' if config.getoption('images') else '$ZOOM_IN_IMAGES'}: {error}"


def _atlas_problems(config):
    path = config.getoption("atlas") or os.environ.get("ZOOM_IN_ATLAS")  # as the fixture zoom_in_claims.data.atlas
    if path:
        try:
            Atlas.load(path)
        except AtlasError as error:
            yield f"{'--atlas' if config.getoption('atlas') else '$ZOOM_IN_ATLAS'}: {error}"

"""Fixtures for the instruments' own tests: real models, loaded once per session."""
import pytest
import torch._dynamo  # noqa: F401  (imported once, here: pytester's in-process runs restore sys.modules, and torch's
# compiler, which the first optimiser imports lazily, registers native operators that cannot be registered twice)

from probes.models import load_model


@pytest.fixture(scope="session")
def lite0():
    return load_model("efficientnet_lite0")


@pytest.fixture(scope="session")
def natural_images_for():
    """The shared natural images, loaded once per preprocessing; skipped where there are none."""
    from probes.defaults import image_folder
    from probes.photographs.images import load_image_folder

    folder = image_folder()
    if not folder.is_dir():
        pytest.skip(f"no natural images at {folder}; set ZOOM_IN_IMAGES")
    loaded = {}

    def load(model):
        key = model.preprocessing
        if key not in loaded:
            loaded[key] = load_image_folder(folder, model.preprocessing)
        return loaded[key]

    return load

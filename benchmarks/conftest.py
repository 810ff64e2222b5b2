import pytest

from probes.models import load_model


@pytest.fixture(scope="session")
def lite0():
    return load_model("efficientnet_lite0")

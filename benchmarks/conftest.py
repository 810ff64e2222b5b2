import pytest

from probes.defaults import DEFAULT_MODEL
from probes.models import load_model


@pytest.fixture(scope="session")
def lite0():
    return load_model(DEFAULT_MODEL)

import pytest

from probes.activations.capture import layer_shapes
from probes.models import load_model
from probes.models.torchvision_zoo import NAMES
from probes.zoo import WeightsUnavailable


@pytest.mark.parametrize("name, layer, channels", [
    ("googlenet", "inception3b", 480), ("alexnet", "features.0", 64), ("vgg16", "features.28", 512),
    ("resnet50", "layer1.0", 256), ("inception_v3", "Mixed_5b", 256)])
def test_architectures_expose_named_layers(name, layer, channels):
    model = load_model(name, pretrained=False)
    assert layer_shapes(model)[layer][0] == channels
    assert len(model.labels) == 1000 and model.preprocessing.std != (1.0, 1.0, 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_offline_without_cached_weights_is_not_run_not_an_error(name, monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setenv("ZOOM_IN_OFFLINE", "1")
    with pytest.raises(WeightsUnavailable, match="cache"):
        load_model(name)

"""The streaming dataset-example pass (probes/photographs/streaming.py) equals the in-memory computation, and its cache
never returns a stale or broken entry."""
import warnings

import pytest
import torch
from PIL import Image

from probes.activations.capture import capture
from probes.models import load_model
from probes.photographs.images import list_images, load_image_folder
from probes.photographs.streaming import top_examples

LAYER, K = "curves", 5


@pytest.fixture(scope="module")
def network():
    return load_model("constructed_curves")


@pytest.fixture(scope="module")
def photographs(tmp_path_factory):
    """Twelve small photographs with structure a curve detector can answer (circles of several sizes)."""
    folder = tmp_path_factory.mktemp("photos")
    for i in range(12):
        image = Image.new("RGB", (130, 120), (240, 235, 220))
        pixels = image.load()
        cx, cy, r = 40 + 5 * i, 60, 10 + 2 * i
        for x in range(130):
            for y in range(120):
                if abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - r) < 1.5:
                    pixels[x, y] = (30, 20, 60)
        image.save(folder / f"photo{i:02d}.png")
    return folder


def test_streaming_equals_the_whole_layer_in_memory(network, photographs):
    streamed = top_examples(network, list_images(photographs), LAYER, k=K, batch_size=5, workers=0,
                            cache_dir=None, progress=False)
    whole = capture(network, load_image_folder(photographs, network.preprocessing, cache_dir=None).images,
                    LAYER)[LAYER]
    maxima, where = whole.flatten(2).max(2)  # (images, units)
    values, _ = maxima.T.topk(K, dim=1)
    assert torch.allclose(streamed.values, values, atol=1e-5)
    # Images tied on a unit's maximum (silent units: all zero) may come in either order; each chosen image must
    # carry the value in its place, and where the unit answers, at the same position.
    assert torch.allclose(maxima.T.gather(1, streamed.images), values, atol=1e-5)
    answered = values > 0
    positions = where.T.gather(1, streamed.images)
    assert torch.equal((streamed.rows * whole.shape[-1] + streamed.cols)[answered], positions[answered])
    assert torch.allclose(streamed.max_mean, maxima.mean(0), atol=1e-5)
    assert torch.allclose(streamed.max_std, maxima.std(0, unbiased=False), atol=1e-4)
    assert streamed.count == 12
    assert streamed.crops(3, network.preprocessing, 21).shape == (K, 3, 21, 21)


def test_a_cached_result_is_returned_and_a_broken_or_stale_one_recomputed(network, photographs, tmp_path):
    paths = list_images(photographs)
    first = top_examples(network, paths, LAYER, k=K, units=[0, 4], workers=0, cache_dir=tmp_path, progress=False)
    (entry,) = tmp_path.glob("*.pt")
    again = top_examples(network, paths, LAYER, k=K, units=[0, 4], workers=0, cache_dir=tmp_path, progress=False)
    assert torch.equal(again.values, first.values)
    entry.write_bytes(b"truncated")
    with pytest.warns(UserWarning, match="stale or unreadable"):
        recomputed = top_examples(network, paths, LAYER, k=K, units=[0, 4], workers=0, cache_dir=tmp_path,
                                  progress=False)
    assert torch.equal(recomputed.values, first.values)
    stored = torch.load(entry, weights_only=False)
    stored["key"] = "another model"
    torch.save(stored, entry)
    with pytest.warns(UserWarning, match="key mismatch"):
        top_examples(network, paths, LAYER, k=K, units=[0, 4], workers=0, cache_dir=tmp_path, progress=False)


def test_other_weights_never_share_an_entry(network, photographs, tmp_path):
    from probes.models.null_model import null_twin

    paths = list_images(photographs)
    trained = top_examples(network, paths, LAYER, k=K, workers=0, cache_dir=tmp_path, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a different key is a different file, not a stale one
        random = top_examples(null_twin(network), paths, LAYER, k=K, workers=0, cache_dir=tmp_path, progress=False)
    assert len(list(tmp_path.glob("*.pt"))) == 2
    assert not torch.equal(trained.values, random.values)


def test_more_examples_than_photographs_ranks_them_all(network, photographs):
    result = top_examples(network, list_images(photographs)[:3], LAYER, k=K, workers=0, cache_dir=None,
                          progress=False)
    assert result.values.shape[1] == 3 and result.count == 3


def test_no_photographs_is_a_clear_error(network):
    with pytest.raises(ValueError, match="at least one photograph"):
        top_examples(network, [], LAYER)

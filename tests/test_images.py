from pathlib import Path

import pytest
import torch
from PIL import Image

from probes.defaults import image_folder
from probes.photographs.images import ImageFolderError, crops, load_image_folder
from probes.zoo import ImageModel, Preprocessing

SMALL = Preprocessing(size=32, resize=36)


def write_image(path: Path, colour=(200, 30, 30), size=(48, 40)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def test_labels_come_from_sorted_wnids(tmp_path):
    write_image(tmp_path / "n02000000_b.JPEG")
    write_image(tmp_path / "n01000000_a.JPEG")
    write_image(tmp_path / "n03000000" / "val_1.JPEG")  # ImageNet validation layout: one folder per class
    images = load_image_folder(tmp_path, SMALL, cache_dir=None)
    assert images.images.shape == (3, 3, 32, 32)
    assert 0 <= images.images.min() and images.images.max() <= 1
    assert dict(zip(images.names, images.labels.tolist())) == {
        "n01000000_a.JPEG": 0, "n02000000_b.JPEG": 1, "val_1.JPEG": 2}


def test_photographs_are_kept_as_pixels_and_read_as_the_floats_they_were(tmp_path):
    """uint8 pixels hold a quarter of the memory; the floats they give, and what a network computes from them, are
    the same bit for bit as from the images torchvision's ToTensor makes."""
    noise = torch.randint(0, 256, (40, 48, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    Image.fromarray(noise.numpy()).save(tmp_path / "n01000000_noise.png")
    write_image(tmp_path / "n01000001_red.png")
    loaded = load_image_folder(tmp_path, SMALL, cache_dir=None)
    assert loaded.pixels.dtype == torch.uint8
    with Image.open(tmp_path / "n01000000_noise.png") as image:
        expected = SMALL.transform()(image.convert("RGB"))  # floats, as the photographs were loaded before
    assert torch.equal(loaded.images[0], expected) and torch.equal(loaded.take([0])[0], expected)
    assert torch.equal(loaded.subset([1]).images, loaded.images[1:])
    network = ImageModel(torch.nn.Conv2d(3, 4, 5), SMALL)
    with torch.inference_mode():
        assert torch.equal(network(loaded.pixels), network(loaded.images))


def test_missing_folder_says_how_to_point_at_one(tmp_path):
    with pytest.raises(ImageFolderError, match="--images DIR.*ZOOM_IN_IMAGES"):
        load_image_folder(tmp_path / "nowhere", SMALL)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ImageFolderError, match="holds no images"):
        load_image_folder(tmp_path, SMALL)


def test_unreadable_file_is_skipped_with_a_warning(tmp_path):
    write_image(tmp_path / "n01000000_good.JPEG")
    (tmp_path / "n01000001_broken.JPEG").write_bytes(b"not a jpeg")
    with pytest.warns(UserWarning, match="broken"):
        images = load_image_folder(tmp_path, SMALL, cache_dir=None)
    assert images.names == ["n01000000_good.JPEG"]


def test_disk_cache_returns_the_same_tensor(tmp_path):
    folder = tmp_path / "images"
    write_image(folder / "n01000000_a.JPEG")
    first = load_image_folder(folder, SMALL, cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").glob("pixels-*.pt"))
    second = load_image_folder(folder, SMALL, cache_dir=tmp_path / "cache")
    torch.testing.assert_close(first.images, second.images)


def test_crops_are_centred_on_units():
    image = torch.zeros(1, 3, 32, 32)
    image[0, :, 12:20, 12:20] = 1  # a bright square in the middle
    # layer of 4x4 units (stride 8): unit (1, 1) is centred at pixel 11.5, unit (2, 2) at 19.5
    crop = crops(image, torch.tensor([0]), torch.tensor([2]), torch.tensor([2]), (4, 4), size=8)
    assert crop.shape == (1, 3, 8, 8)
    assert crop[0, 0, :4, :4].mean() == 1 and crop[0, 0, 4:, 4:].mean() == 0


def test_crops_past_the_border_repeat_the_edge_as_replicate_padding_does():
    images = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    which, rows, cols = torch.tensor([2, 0, 2, 1]), torch.tensor([0, 3, 1, 3]), torch.tensor([3, 0, 2, 3])
    got = crops(images, which, rows, cols, (4, 4), size=24)  # a 24 px canvas at a corner unit reaches 12 px out
    padded = torch.nn.functional.pad(images, (24, 24, 24, 24), mode="replicate")
    for k, (image, row, col) in enumerate(zip(which.tolist(), rows.tolist(), cols.tolist())):
        top, left = 8 * row + 4 - 12 + 24, 8 * col + 4 - 12 + 24  # unit centre 8r + 3.5, crop from centre - 11.5
        assert torch.equal(got[k], padded[image, :, top:top + 24, left:left + 24])


def test_shared_sample_loads_with_labels():
    folder = image_folder()
    if not folder.is_dir():
        pytest.skip(f"no image sample at {folder}")
    images = load_image_folder(folder, SMALL, limit=5, cache_dir=None)
    assert images.labels.tolist() == [0, 1, 2, 3, 4]

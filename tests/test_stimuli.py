import math

import torch
from hypothesis import given, settings

from probes.stimuli.sets import arcs, corner_set, curve_set, grating_set, high_low, line_set, outlines
from probes.stimuli.strategies import angles, circles, curves, high_lows, lines

SIZE = 65


def ink(images: torch.Tensor) -> torch.Tensor:
    """Per image, how much darker than the white background each pixel is (0..1)."""
    return 1 - images.mean(1)


def test_curve_orientation_convention():
    up = arcs(SIZE, torch.tensor([90.0]), torch.tensor([20.0]), torch.tensor([120.0]), torch.tensor([2.0]))
    dark = ink(up)[0]
    rows = torch.nonzero(dark > 0.5)[:, 0].float()
    # "∩": the arc's midpoint is at the centre, its ends hang below it (image rows grow downwards)
    assert rows.min() >= SIZE // 2 - 2 and rows.max() > SIZE // 2 + 5


def test_stroke_area_matches_its_length_times_width():
    width, radius, span = 3.0, 20.0, 120.0
    image = arcs(SIZE, torch.tensor([0.0]), torch.tensor([radius]), torch.tensor([span]), torch.tensor([width]))
    expected = radius * math.radians(span) * width
    assert abs(ink(image).sum().item() - expected) / expected < 0.15  # plus rounded caps


def test_rotation_by_180_mirrors_the_curve():
    both = arcs(SIZE, torch.tensor([0.0, 180.0]), torch.tensor([15.0] * 2), torch.tensor([120.0] * 2),
                torch.tensor([2.0] * 2))
    torch.testing.assert_close(both[0].flip(-1), both[1], atol=0.05, rtol=0)


def test_sets_carry_their_parameters_and_range():
    curves_ = curve_set(SIZE, orientations=8, radii=[10, 20], width=2)
    assert curves_.images.shape == (16, 3, SIZE, SIZE) and set(curves_.params) == {"radius", "orientation"}
    for stimuli in (curves_, line_set(SIZE, orientations=4, length=30, width=2),
                    corner_set(SIZE, orientations=4, opening=90, length=20, width=2)):
        assert 0 <= stimuli.images.min() and stimuli.images.max() <= 1


def test_circle_and_square_outlines_differ_only_in_shape():
    circle = outlines(SIZE, "circle", torch.tensor([20.0]), torch.tensor([2.0]))
    square = outlines(SIZE, "square", torch.tensor([20.0]), torch.tensor([2.0]))
    assert ink(circle).sum() < ink(square).sum()  # perimeter 2πr < 8r
    assert ink(square)[0, SIZE // 2, SIZE // 2 + 20] > 0.9 and ink(circle)[0, SIZE // 2 - 14, SIZE // 2 + 14] > 0.5


def test_high_low_boundary_puts_fine_texture_where_it_points():
    image = high_low(SIZE, torch.tensor([0.0]), torch.tensor([0.3]), torch.tensor([0.03]))[0, 0]
    right, left = image[:, SIZE // 2 + 5:], image[:, : SIZE // 2 - 5]
    assert right.diff(dim=1).abs().mean() > 3 * left.diff(dim=1).abs().mean()


@settings(max_examples=20, deadline=None)
@given(curve=curves(), line=lines(), angle=angles(), circle=circles(), boundary=high_lows())
def test_every_strategy_renders_a_valid_image(curve, line, angle, circle, boundary):
    for stimulus in (curve, line, angle, circle, boundary):
        image = stimulus.render(SIZE)
        assert image.shape == (1, 3, SIZE, SIZE) and 0 <= image.min() and image.max() <= 1


def test_gratings_run_across_their_axis_and_the_opposite_direction_is_the_same_axis():
    gratings = grating_set(41, orientations=4, period=8.0, phases=2)
    assert gratings.images.shape == (8, 3, 41, 41)
    vertical_stripes = gratings.images[0, 0]  # axis 0: the wave travels along x, constant along y
    assert torch.allclose(vertical_stripes[0], vertical_stripes[-1]) and vertical_stripes[20].std() > 0.2
    assert torch.equal(gratings.params["orientation"], torch.tensor([0.0, 0, 45, 45, 90, 90, 135, 135]))

"""The high-low judge (probes/measures/spectral.py) reads boundaries it was never fitted to, and nothing else."""
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from probes.measures.spectral import high_low_score, read_orientation
from probes.measures.tuning import circular_distance
from probes.stimuli.sets import high_low, luminance_edge

SIZE = 41


def boundary(orientation: float, high_period: float, low_period: float, size: int = SIZE) -> torch.Tensor:
    return high_low(size, torch.tensor([orientation]), torch.tensor([1 / high_period]),
                    torch.tensor([1 / low_period]), 0.8)


@settings(max_examples=40, deadline=None)
@given(orientation=st.floats(0, 360), high_period=st.floats(3, 6), low_period=st.floats(16, 40),
       size=st.sampled_from([31, 41, 57]))
def test_reads_the_fine_side_of_any_boundary(orientation, high_period, low_period, size):
    image = boundary(orientation, high_period, low_period, size)
    assert high_low_score(image, orientation).item() > 0.6
    assert high_low_score(image, orientation + 180).item() < -0.6


@settings(max_examples=20, deadline=None)
@given(orientation=st.floats(0, 360))
def test_a_brightness_step_or_a_uniform_texture_scores_near_zero(orientation):
    step = luminance_edge(SIZE, torch.tensor([orientation]), 0.8)
    fine_everywhere = boundary(orientation, 4, 4)
    coarse_everywhere = boundary(orientation, 20, 20)
    for image in (step, fine_everywhere, coarse_everywhere):
        assert abs(high_low_score(image, orientation).item()) < 0.15


def test_the_boundary_turned_a_quarter_scores_near_zero():
    assert abs(high_low_score(boundary(30.0, 4, 20), 120.0).item()) < 0.1


def test_one_orientation_per_crop():
    images = torch.cat([boundary(0.0, 4, 20), boundary(90.0, 4, 20)])
    scores = high_low_score(images, torch.tensor([0.0, 90.0]))
    assert (scores > 0.6).all()


@settings(max_examples=20, deadline=None)
@given(orientation=st.floats(0, 360))
def test_reads_the_orientation_of_a_boundary(orientation):
    read = read_orientation(boundary(orientation, 4, 20), orientations=72).item()
    assert circular_distance(read, orientation) <= 10.0  # a 5-degree grid, and a pixel grid under the boundary

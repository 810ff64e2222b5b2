"""Rendering speed: a full discovery sweep of curves (thousands of stimuli) at a receptive-field canvas."""
from probes.stimuli.sets import curve_set


def test_render_4000_curves_at_73px(benchmark):
    stimuli = benchmark(curve_set, 73, orientations=360, radii=[10, 14, 18, 22, 26, 30, 34, 38, 42, 46, 50],
                        width=3.0)
    assert len(stimuli) == 3960

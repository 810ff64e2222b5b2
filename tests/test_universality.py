"""Instruments of universality claims (probes/universality.py); their constructed twin is tested in
tests/test_constructed_twin.py."""
import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from probes.universality import best_matches, linear_cka, response_profiles, standardised


@given(st.integers(0, 2**31 - 1))
def test_linear_cka_ignores_rotation_and_scale_of_either_layer(seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(60, 8, generator=generator, dtype=torch.float64)
    rotation, _ = torch.linalg.qr(torch.randn(8, 8, generator=generator, dtype=torch.float64))
    assert abs(linear_cka(x, 3.0 * x @ rotation) - 1.0) < 1e-9
    unrelated = torch.randn(60, 8, generator=generator, dtype=torch.float64)
    assert linear_cka(x, unrelated) < 0.5


def test_a_silent_unit_correlates_with_nothing():
    columns = np.stack([np.arange(5.0), np.zeros(5)], axis=1)
    assert np.all(standardised(columns)[:, 1] == 0)
    assert abs(np.linalg.norm(standardised(columns)[:, 0]) - 1) < 1e-12


def test_best_matches_recover_a_permutation_of_units():
    generator = np.random.default_rng(0)
    a = generator.normal(size=(50, 12)), generator.normal(size=(30, 12))
    order = generator.permutation(12)
    profiles_a = response_profiles(*a)
    profiles_b = response_profiles(a[0][:, order], a[1][:, order])
    matches = best_matches(profiles_a, profiles_b, range(12))
    assert [order[b] for b in matches.best] == list(range(12))
    assert np.allclose(matches.correlation, 1.0)



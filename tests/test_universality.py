"""Instruments of universality claims (probes/measures/universality.py); their constructed twin is tested in
tests/test_constructed_twin.py."""
import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from probes.measures.universality import (best_matches, debiased_cka, distinct_rows, linear_cka, response_profiles,
                                 standardised)


@given(st.integers(0, 2**31 - 1))
def test_linear_cka_ignores_rotation_and_scale_of_either_layer(seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(60, 8, generator=generator, dtype=torch.float64)
    rotation, _ = torch.linalg.qr(torch.randn(8, 8, generator=generator, dtype=torch.float64))
    assert abs(linear_cka(x, 3.0 * x @ rotation) - 1.0) < 1e-9
    unrelated = torch.randn(60, 8, generator=generator, dtype=torch.float64)
    assert linear_cka(x, unrelated) < 0.5


def test_independent_wide_layers_score_about_zero_debiased_but_half_biased():
    """The issue's case: 500 inputs, 480 units each, nothing shared. Linear CKA reads ~0.49; debiased ~0."""
    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(500, 480, generator=generator), torch.randn(500, 480, generator=generator)
    assert linear_cka(x, y) > 0.4
    assert abs(debiased_cka(x, y)) < 0.02


@given(st.integers(0, 2**31 - 1))
def test_debiased_cka_ignores_rotation_shift_and_scale(seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(60, 8, generator=generator, dtype=torch.float64)
    rotation, _ = torch.linalg.qr(torch.randn(8, 8, generator=generator, dtype=torch.float64))
    assert abs(debiased_cka(x, 3.0 * x @ rotation + 5.0) - 1.0) < 1e-9


def test_debiased_cka_sees_a_shared_part_between_layers_of_different_widths():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(400, 300, generator=generator)
    y = torch.cat([x[:, :50] + 0.5 * torch.randn(400, 50, generator=generator),
                   torch.randn(400, 700, generator=generator)], 1)
    assert 0.1 < debiased_cka(x, y) < 0.9


def test_a_bootstrap_draw_for_debiased_cka_keeps_each_input_once():
    rows = distinct_rows(np.random.default_rng(0), 500)
    assert len(rows) == len(set(rows.tolist())) and 250 < len(rows) < 380


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



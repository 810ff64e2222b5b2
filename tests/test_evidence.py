import math

import pytest

from probes.records.evidence import (ClaimInconclusive, ClaimRefuted, Evidence, MeasurementError, rank_against,
                                     rank_interval, z_against)
from probes.records.predictions import Prediction, PredictionError

DECLARED = {"first": ">= 0.5", "second": "<= 0.5", "third": "in [0, 1]"}


def test_every_prediction_is_measured_and_each_refutation_named():
    """Before: the first failed prediction raised at once and the later ones were never measured."""
    evidence = Evidence(DECLARED)
    evidence.measure("first", 0.1, ci=(0.0, 0.2))
    evidence.measure("second", 0.9, ci=(0.8, 1.0))
    evidence.measure("third", 0.5)
    assert [m.outcome for m in evidence.measurements] == ["refuted", "refuted", "holds"]
    with pytest.raises(ClaimRefuted, match="first.*REFUTED.*second.*REFUTED"):
        evidence.check()
    assert evidence.key.name == "first"


def test_a_prediction_holds_only_when_its_whole_interval_clears_the_threshold():
    at_least = Prediction.parse("x", ">= 1.5")
    assert at_least.judge(2.65, (0.95, 5.27)) == "inconclusive"  # the brightness claim that used to HOLD
    assert at_least.judge(2.65, (1.6, 5.27)) == "holds"
    assert at_least.judge(1.0, (0.5, 1.4)) == "refuted"
    assert Prediction.parse("y", "<= 0.4").judge(0.32, (0.24, 0.38)) == "holds"
    assert Prediction.parse("z", "in [0.2, 0.8]").judge(0.5, (0.1, 0.6)) == "inconclusive"
    with pytest.raises(PredictionError, match="cannot read"):
        Prediction.parse("w", "at least 2")


def test_an_interval_across_the_threshold_is_inconclusive_not_holds():
    evidence = Evidence({"share": ">= 0.6"})
    evidence.measure("share", 0.61, ci=(0.46, 0.74))
    with pytest.raises(ClaimInconclusive, match="share"):
        evidence.check()


@pytest.mark.parametrize("value, ci, n", [(math.nan, None, 5), (math.inf, None, 5), (0.5, (math.nan, 1.0), 5),
                                          (0.5, None, 0)])
def test_an_undefined_measurement_is_an_error_that_names_it(value, ci, n):
    """NaN compared with a threshold used to raise ClaimRefuted: a broken instrument counted as a refutation."""
    evidence = Evidence({"median ratio": ">= 2"})
    with pytest.raises(MeasurementError, match="median ratio"):
        evidence.measure("median ratio", value, ci=ci, n=n)


def test_a_declared_prediction_never_measured_is_an_error():
    evidence = Evidence({"measured": ">= 0", "forgotten": ">= 0"})
    evidence.measure("measured", 1.0)
    with pytest.raises(MeasurementError, match="forgotten"):
        evidence.check()


def test_superseded_predictions_are_judged_and_shown_but_never_counted():
    evidence = Evidence({"within 45 degrees": ">= 0.75"}, superseded={"Fisher-Lee": ">= 0.8"})
    evidence.measure("within 45 degrees", 0.86, ci=(0.8, 0.9))
    evidence.measure("Fisher-Lee", 0.61, ci=(0.5, 0.7))
    evidence.check()  # holds: the refuted superseded prediction does not count
    old = [m for m in evidence.measurements if m.superseded]
    assert [(m.name, m.outcome) for m in old] == [("Fisher-Lee", "refuted")]


def test_inconclusive_by_declaration_when_nothing_can_be_measured():
    evidence = Evidence({"tuning": ">= 0.5"})
    evidence.inconclusive("tuning", "the family is silent on every stimulus")
    with pytest.raises(ClaimInconclusive, match="silent"):
        evidence.check()


def test_comparisons_with_random_draws_are_ranks_and_z_scores_without_caps():
    draws = [0.0, 0.01, -0.01, 0.02, -0.02]
    assert rank_against(0.7, draws) == 1.0 and rank_against(0.0, draws) == 0.5
    z, (low, high) = z_against(0.7, draws)
    assert z > 40 and low > 20
    with pytest.raises(MeasurementError):
        z_against(0.7, [0.0, 0.0, 0.0])


def test_a_rank_interval_holds_the_rank_when_draws_tie_with_it():
    """Random ablations that change nothing tie with a family ablation that changes nothing: the rank (ties count
    half) is 0.665 here, and its interval must hold it, not describe the strict count alone (0.33)."""
    draws = [0.0] * 67 + [-1.0] * 33
    low, high = rank_interval(0.0, draws)
    assert rank_against(0.0, draws) == 0.665 and low < 0.33 < 0.665 < high
    untied = [-1.0] * 33 + [1.0] * 67
    assert rank_interval(0.0, untied) == pytest.approx((0.2456, 0.4269), abs=1e-3)  # Wilson on 33 of 100

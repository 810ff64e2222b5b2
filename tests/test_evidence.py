import pytest

from probes.evidence import ClaimRefuted, Evidence


def test_every_prediction_is_measured_and_each_failure_named():
    """Before: the first failed prediction raised at once and the later ones were never measured."""
    evidence = Evidence()
    evidence.at_least("first", 0.1, 0.5)
    evidence.at_most("second", 0.9, 0.5)
    evidence.within("third", 0.5, 0.0, 1.0)
    assert [m.passed for m in evidence.measurements] == [False, False, True]
    with pytest.raises(ClaimRefuted, match="first.*FAILED.*second.*FAILED"):
        evidence.check()
    assert evidence.key.name == "first"


def test_a_claim_whose_predictions_all_hold_passes_its_check():
    evidence = Evidence()
    evidence.at_least("holds", 1.0, 0.5)
    evidence.record("context", 3.0)
    evidence.check()
    assert evidence.failed == []

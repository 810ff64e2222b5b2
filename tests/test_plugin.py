"""The claims plugin, tested on real inner pytest runs (pytester).

The inner runs use a tiny user network (tests/example_user_model.py) only to exercise the plugin's
mechanics — verdicts, controls, ledger — never as evidence for a claim about vision networks.
"""
import json
from pathlib import Path

import pytest

from probes.records import memory
from zoom_in_claims.ledger import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]
MODEL = "--model=tests.example_user_model:tiny_convnet"

CLAIMS = '''
from zoom_in_claims import claim

def declared(**predictions):
    return dict(predictions={name.replace("_", " "): text for name, text in predictions.items()}, resample="exact")

@claim("demo.breaks", "An instrument that crashes.", source="test", kind="weights", **declared(x=">= 0.5"))
def test_breaks(model, evidence):
    raise RuntimeError("instrument broke")

@claim("demo.vacuous", "Holds whatever the weights.", source="test", kind="weights", **declared(always_one=">= 0.5"))
def test_vacuous(model, evidence):
    evidence.measure("always one", 1.0)

@claim("demo.partly", "One prediction the null meets too.", source="test", kind="weights",
       **declared(always_one=">= 0.5", trained=">= 0.5"))
def test_partly(model, evidence):
    evidence.measure("always one", 1.0)
    evidence.measure("trained", 0.0 if model.null else 1.0)

@claim("demo.trained", "Holds only with trained weights.", source="test", kind="weights", **declared(trained=">= 0.5"))
def test_trained(model, evidence):
    evidence.measure("trained", 0.0 if model.null else 1.0)

@claim("demo.straddles", "An interval across the threshold.", source="test", kind="weights",
       **declared(straddles=">= 0.5"))
def test_straddles(model, evidence):
    evidence.measure("straddles", 0.6 if not model.null else 0.0, ci=(0.4, 0.8) if not model.null else None)

@claim("demo.undefined", "A NaN measurement.", source="test", kind="weights", **declared(ratio=">= 2"))
def test_undefined(model, evidence):
    evidence.measure("ratio", float("nan"))

@claim("demo.known_negative", "A known negative result.", source="test", kind="weights", expect="refuted",
       **declared(never=">= 0.5"))
def test_known_negative(model, evidence):
    evidence.measure("never", 0.0)

@claim("demo.other_model", "About another model.", source="test", kind="weights", models=("inceptionv1",),
       **declared(x=">= 0.5"))
def test_other_model(model, evidence):
    evidence.measure("x", 1.0)

@claim("demo.sensitive", "Holds where it is planted.", source="test", kind="weights", positive="constructed_curves",
       **declared(planted=">= 0.5"))
def test_sensitive(model, evidence):
    evidence.measure("planted", 0.0 if model.null else 1.0)

@claim("demo.specific", "Refuted where the mechanism is planted wrong.", source="test", kind="weights",
       positive="constructed_curves", near_miss="constructed_facing", **declared(planted=">= 0.5"))
def test_specific(model, evidence):
    evidence.measure("planted", 0.0 if model.null or model.name == "constructed_facing" else 1.0)

@claim("demo.unspecific", "Holds where the mechanism is planted wrong too.", source="test", kind="weights",
       near_miss="constructed_facing", **declared(anything=">= 0.5"))
def test_unspecific(model, evidence):
    evidence.measure("anything", 0.0 if model.null else 1.0)

@claim("demo.blind", "A refutation by a blind instrument.", source="test", kind="weights", expect="refuted",
       positive="constructed_curves", **declared(first=">= 0.5", second=">= 0.5"))
def test_blind(model, evidence):
    evidence.measure("first", 0.0)
    evidence.measure("second", 0.0)
'''
SEEDS = ("--null-seeds", "3")


@pytest.fixture
def inner(pytester):
    pytester.makepyfile(test_inner_claims=CLAIMS)
    return pytester


def ledger_of(path):
    return {entry["id"]: entry for entry in json.loads((path / "ledger.json").read_text())["entries"]}


def test_verdicts_controls_and_ledger(inner):
    # --recompute: every item runs and has its own peak memory, even where an earlier run kept its verdict
    result = inner.runpytest_inprocess(MODEL, "--controls", *SEEDS, "--ledger", "out", "--recompute")
    entries = ledger_of(inner.path / "out")
    assert entries["demo.breaks"]["verdict"] == "ERROR"
    assert entries["demo.undefined"]["verdict"] == "ERROR"  # a NaN is never a refutation
    assert "ratio" in entries["demo.undefined"]["reason"]
    assert entries["demo.vacuous"]["verdict"] == "HOLDS" and entries["demo.vacuous"]["falsifiable"] == "NO"
    assert entries["demo.trained"]["verdict"] == "HOLDS" and entries["demo.trained"]["falsifiable"] == "yes"
    partly = entries["demo.partly"]
    assert partly["falsifiable"] == "partly"
    assert {p["name"]: p["falsifiable"] for p in partly["prediction_rows"]} == {"always one": "NO", "trained": "yes"}
    assert [p["null_refuted"] for p in partly["prediction_rows"]] == [0, 3]
    assert entries["demo.straddles"]["verdict"] == "INCONCLUSIVE"
    assert entries["demo.trained"]["null_seeds"] == 3 and len(entries["demo.trained"]["controls"]) == 3
    assert entries["demo.known_negative"]["verdict"] == "EXPECTED-REFUTED"
    assert entries["demo.other_model"]["verdict"] == "NOT RUN"
    assert "inceptionv1" in entries["demo.other_model"]["reason"]
    assert entries["demo.sensitive"]["sensitive"] == "yes" and entries["demo.sensitive"]["falsifiable"] == "yes"
    assert entries["demo.sensitive"]["positive_control"]["model"] == "constructed_curves"
    assert entries["demo.trained"]["sensitive"] == "n/a"  # declares no positive control
    blind = entries["demo.blind"]
    assert blind["verdict"] == "EXPECTED-REFUTED" and blind["sensitive"] == "NO"
    assert blind["finding"].startswith("not a finding")
    assert [m["outcome"] for m in blind["measurements"]] == ["refuted", "refuted"]  # every prediction measured
    assert entries["demo.specific"]["specific"] == "yes" and entries["demo.specific"]["sensitive"] == "yes"
    assert entries["demo.specific"]["near_miss_control"]["model"] == "constructed_facing"
    assert entries["demo.unspecific"]["specific"] == "NO" and entries["demo.trained"]["specific"] == "n/a"
    assert any("UNSPECIFIC" in reason for reason in entries["demo.unspecific"]["failures"])
    assert entries["demo.trained"]["registered"] == "UNREGISTERED"  # no claims/registry.json in the inner project
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", outcomes.get("error")) == 2 * (1 + 3)  # crash and NaN, trained and 3 nulls
    assert outcomes.get("failed") == 2  # the blind claim's positive control, the unspecific claim's near miss
    assert outcomes.get("xfailed") == 2  # the known negative and the blind claim
    assert outcomes.get("inconclusive") == 1
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*INSENSITIVE*demo.blind*", "*ledger of claims*",
                                 "*demo.blind*sensitive: NO*INSENSITIVE*", "*demo.vacuous*NO*vacuous*",
                                 "*FAILS THE RUN: demo.unspecific*UNSPECIFIC*",
                                 "*FAILS THE RUN: demo.vacuous*NOT FALSIFIABLE*"])
    assert (inner.path / "out" / "ledger.md").read_text().startswith("# Ledger of claims")
    document = json.loads((inner.path / "out" / "ledger.json").read_text())
    assert document["schema_version"] == SCHEMA_VERSION
    assert {"id", "model", "verdict", "measurements", "prediction_rows", "falsifiable", "sensitive", "specific",
            "positive_control", "near_miss_control", "controls", "null_seeds", "null_health",
            "stimulus_ranges"} <= set(document["entries"][0])
    if memory.reset_peak():  # Linux: each claim item's peak memory, and the run's largest in the terminal
        peaks = document["memory"]
        assert {row["claim"] for row in peaks} >= {"demo.trained", "demo.blind"}
        assert all(0 < row["peak_memory_gb"] < 100 for row in peaks)
        assert {row["network"] for row in peaks if row["claim"] == "demo.trained"} >= {
            "tests.example_user_model:tiny_convnet", "tests.example_user_model:tiny_convnet null0"}
        result.stdout.fnmatch_lines(["*largest peak memory (resident, per process): * GB demo.*"])


@pytest.mark.slow  # starts a process of its own
def test_a_vacuous_claim_alone_fails_the_run(inner, monkeypatch):
    """Its own items all pass (the trained run holds, each null item passes): the ledger fails the run."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # its own process: torch registers some libraries only once
    result = inner.runpytest_subprocess(MODEL, "--controls", *SEEDS, "-k", "vacuous")
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.slow  # starts a process of its own
def test_interrupted_run_keeps_the_previous_ledger(inner, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    inner.runpytest_inprocess(MODEL, "--ledger", "out", "-k", "trained")
    before = (inner.path / "out" / "ledger.json").read_text()
    inner.makepyfile(test_inner_interrupt='''
from zoom_in_claims import claim

@claim("demo.interrupted", "Interrupted.", source="test", kind="weights")
def test_interrupt(model, evidence):
    raise KeyboardInterrupt
''')
    # A real interrupt ends the whole process, so this run gets its own.
    result = inner.runpytest_subprocess(MODEL, "--ledger", "out")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert (inner.path / "out" / "ledger.json").read_text() == before
    assert not list((inner.path / "out").glob("*.tmp"))

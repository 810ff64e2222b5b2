"""The claims plugin, tested on real inner pytest runs (pytester).

The inner runs use a tiny user network (tests/example_user_model.py) only to exercise the plugin's
mechanics — verdicts, controls, ledger — never as evidence for a claim about vision networks.
"""
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODEL = "--model=tests.example_user_model:tiny_convnet"

CLAIMS = '''
from fixtures import claim

@claim("demo.breaks", "An instrument that crashes.", source="test", kind="weights")
def test_breaks(model, evidence):
    raise RuntimeError("instrument broke")

@claim("demo.vacuous", "Holds whatever the weights.", source="test", kind="weights")
def test_vacuous(model, evidence):
    evidence.at_least("always one", 1.0, 0.5)

@claim("demo.trained", "Holds only with trained weights.", source="test", kind="weights")
def test_trained(model, evidence):
    evidence.at_least("trained", 0.0 if model.null else 1.0, 0.5)

@claim("demo.known_negative", "A known negative result.", source="test", kind="weights", expect="refuted")
def test_known_negative(model, evidence):
    evidence.at_least("never", 0.0, 0.5)

@claim("demo.other_model", "About another model.", source="test", kind="weights", models=("inceptionv1",))
def test_other_model(model, evidence):
    evidence.at_least("x", 1.0, 0.5)

@claim("demo.sensitive", "Holds where it is planted.", source="test", kind="weights", positive="constructed_curves")
def test_sensitive(model, evidence):
    evidence.at_least("planted", 0.0 if model.null else 1.0, 0.5)

@claim("demo.blind", "A refutation by a blind instrument.", source="test", kind="weights", expect="refuted",
       positive="constructed_curves")
def test_blind(model, evidence):
    evidence.at_least("first prediction", 0.0, 0.5)
    evidence.at_least("second prediction, measured although the first failed", 0.0, 0.5)
'''


@pytest.fixture
def inner(pytester):
    pytester.makepyfile(test_inner_claims=CLAIMS)
    return pytester


def ledger_of(path):
    return {entry["id"]: entry for entry in json.loads((path / "ledger.json").read_text())["entries"]}


def test_verdicts_controls_and_ledger(inner):
    result = inner.runpytest_inprocess("-p", "fixtures.plugin", MODEL, "--controls", "--ledger", "out")
    entries = ledger_of(inner.path / "out")
    assert entries["demo.breaks"]["verdict"] == "ERROR"
    assert entries["demo.vacuous"]["verdict"] == "HOLDS" and entries["demo.vacuous"]["falsifiable"] == "NO"
    assert entries["demo.trained"]["verdict"] == "HOLDS" and entries["demo.trained"]["falsifiable"] == "yes"
    assert entries["demo.known_negative"]["verdict"] == "EXPECTED-REFUTED"
    assert entries["demo.other_model"]["verdict"] == "NOT RUN"
    assert "inceptionv1" in entries["demo.other_model"]["reason"]
    assert entries["demo.sensitive"]["sensitive"] == "yes" and entries["demo.sensitive"]["falsifiable"] == "yes"
    assert entries["demo.sensitive"]["positive_control"]["model"] == "constructed_curves"
    assert entries["demo.trained"]["sensitive"] == "n/a"  # declares no positive control
    blind = entries["demo.blind"]
    assert blind["verdict"] == "EXPECTED-REFUTED" and blind["sensitive"] == "NO"
    assert blind["finding"].startswith("not a finding")
    assert [m["passed"] for m in blind["measurements"]] == [False, False]  # every prediction measured
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", outcomes.get("error")) == 2  # the crash (trained and null) is an error, not a failure
    assert outcomes.get("failed") == 2  # the vacuous claim's null control, the blind claim's positive control
    assert outcomes.get("xfailed") == 2
    result.stdout.fnmatch_lines(["*INSENSITIVE*demo.blind*", "*ledger of claims*",
                                 "*demo.blind*sensitive: NO*INSENSITIVE*", "*demo.vacuous*NO*vacuous*"])
    assert (inner.path / "out" / "ledger.md").read_text().startswith("# Ledger of claims")
    document = json.loads((inner.path / "out" / "ledger.json").read_text())
    assert document["schema_version"] == 2
    assert {"id", "model", "verdict", "measurements", "falsifiable", "sensitive", "positive_control"} \
        <= set(document["entries"][0])


def test_interrupted_run_keeps_the_previous_ledger(inner, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    inner.runpytest_inprocess("-p", "fixtures.plugin", MODEL, "--ledger", "out", "-k", "trained")
    before = (inner.path / "out" / "ledger.json").read_text()
    inner.makepyfile(test_inner_interrupt='''
from fixtures import claim

@claim("demo.interrupted", "Interrupted.", source="test", kind="weights")
def test_interrupt(model, evidence):
    raise KeyboardInterrupt
''')
    # A real interrupt ends the whole process, so this run gets its own.
    result = inner.runpytest_subprocess("-p", "fixtures.plugin", MODEL, "--ledger", "out")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert (inner.path / "out" / "ledger.json").read_text() == before
    assert not list((inner.path / "out").glob("*.tmp"))

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
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", outcomes.get("error")) == 2  # the crash (trained and null) is an error, not a failure
    assert outcomes.get("failed") == 1  # the vacuous claim's control
    assert outcomes.get("xfailed") == 1
    result.stdout.fnmatch_lines(["*ledger of claims*", "*demo.vacuous*NO*vacuous*"])
    assert (inner.path / "out" / "ledger.md").read_text().startswith("# Ledger of claims")
    document = json.loads((inner.path / "out" / "ledger.json").read_text())
    assert document["schema_version"] == 1
    assert {"id", "model", "verdict", "measurements", "falsifiable"} <= set(document["entries"][0])


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


def test_missing_image_folder_is_an_error_that_says_how_to_point_at_one(pytester):
    pytester.makepyfile(test_inner_image_folder='''
def test_needs_images(images):
    pass
''')
    result = pytester.runpytest_inprocess("-p", "fixtures.plugin", MODEL, "--images", "nowhere")
    result.stdout.fnmatch_lines(["*--images DIR*ZOOM_IN_IMAGES*"])
    assert result.parseoutcomes().get("errors", result.parseoutcomes().get("error")) == 1

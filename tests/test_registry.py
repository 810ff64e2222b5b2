"""The registry of predictions (zoom_in_claims/registry.py): a threshold changed after registration stops the run until
it is amended, and an amendment keeps the superseded prediction measured and visible."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zoom_in_claims.registry import main

REPO = Path(__file__).resolve().parents[1]
MODEL = "--model=tests.example_user_model:tiny_convnet"


def claim_file(threshold: str) -> str:
    return f'''
from zoom_in_claims import claim

@claim("demo.tuned", "Holds with a registered threshold.", source="test", kind="weights",
       predictions={{"score": "{threshold}"}}, resample="exact")
def test_tuned(model, evidence):
    evidence.measure("score", 0.7)
'''


def register_command(arguments: list[str]) -> int:
    """`python -m zoom_in_claims.register`, in its own process, as a researcher runs it."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "zoom_in_claims.register", *arguments], env=environment,
                          capture_output=True).returncode


def register(arguments: list[str]) -> int:
    """The same command's `main`, in this process (a process of its own costs seconds to import torch). The claim
    files it collects are forgotten afterwards, so a later run reads them as edited."""
    before = set(sys.modules)
    try:
        return main(arguments)
    finally:
        for name in set(sys.modules) - before:
            if str(Path(getattr(sys.modules[name], "__file__", None) or "/").resolve()).startswith(str(Path.cwd())):
                del sys.modules[name]


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.chdir(pytester.path)
    pytester.makepyfile(test_demo=claim_file(">= 0.5"))
    assert register(["test_demo.py", "--registry", "registry.json"]) == 0
    return pytester


def run(project):
    return project.runpytest_inprocess(MODEL, "--registry", "registry.json",
                                       "--ledger", "out")


def test_a_registered_claim_runs(project):
    result = run(project)
    result.assert_outcomes(passed=1)
    entry = json.loads((project.path / "out" / "ledger.json").read_text())["entries"][0]
    assert entry["registered"] == "registered"


def test_editing_a_registered_threshold_without_an_amendment_stops_the_run(project):
    project.makepyfile(test_demo=claim_file(">= 0.6"))
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*claim demo.tuned differs from the registry*'score': registered >= 0.5, "
                                 "declared >= 0.6*"])
    # and the register command refuses it too, until it is an amendment with a reason
    assert register(["test_demo.py", "--registry", "registry.json"]) == 1


def test_an_amendment_keeps_the_superseded_prediction_measured(project):
    project.makepyfile(test_demo=claim_file(">= 0.8"))
    assert register(["test_demo.py", "--registry", "registry.json", "--amend", "demo.tuned",
                     "--reason", "a stricter threshold"]) == 0
    document = json.loads((project.path / "registry.json").read_text())
    assert document["claims"]["demo.tuned"]["amendments"][0]["superseded"] == {"score": ">= 0.5"}
    result = run(project)
    result.assert_outcomes(failed=1)  # 0.7 is below the amended 0.8
    entry = json.loads((project.path / "out" / "ledger.json").read_text())["entries"][0]
    judged = {(m["prediction"], m["superseded"]): m["outcome"] for m in entry["measurements"]}
    assert judged == {(">= 0.8", False): "refuted", (">= 0.5", True): "holds"}


@pytest.mark.slow  # starts a process of its own
def test_the_register_command_registers_and_refuses_in_its_own_process(pytester, monkeypatch):
    monkeypatch.chdir(pytester.path)
    pytester.makepyfile(test_demo=claim_file(">= 0.5"))
    assert register_command(["test_demo.py", "--registry", "registry.json"]) == 0
    assert "demo.tuned" in json.loads((pytester.path / "registry.json").read_text())["claims"]
    pytester.makepyfile(test_demo=claim_file(">= 0.6"))
    assert register_command(["test_demo.py", "--registry", "registry.json"]) == 1

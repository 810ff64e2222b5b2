"""Verdicts kept between runs (zoom_in_claims/reuse.py): an unchanged claim is replayed, a changed one runs again,
an ERROR is never kept, and --recompute runs everything."""
import json

import pytest

CLAIM = '''
from pathlib import Path

from zoom_in_claims import claim


@claim("demo.width", "The last layer has some units.", source="test", kind="weights",
       predictions={{"units": ">= 1"}}, resample="exact")
def test_width(model, evidence):
    runs = Path("runs.txt")
    runs.write_text(runs.read_text() + "x" if runs.exists() else "x")  # how often the body ran
    {body}
'''
MEASURE = 'evidence.measure("units", len(list(model.layers)))'


@pytest.fixture
def run(pytester, monkeypatch):
    monkeypatch.setenv("ZOOM_IN_CACHE", str(pytester.path / "cache"))

    def run_claims(*options):
        result = pytester.runpytest_inprocess("--model=tests.example_user_model:tiny_convnet", "-p",
                                              "no:cacheprovider", "--ledger", "out", *options)
        ledger = json.loads((pytester.path / "out" / "ledger.json").read_text())
        return result, ledger["entries"], (pytester.path / "runs.txt").read_text().count("x")

    return run_claims


def test_an_unchanged_claim_is_replayed_with_its_verdict(pytester, run):
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE))
    first, [computed], runs = run()
    assert runs == 1 and computed["verdict"] == "HOLDS" and "reused" not in computed
    second, [replayed], runs = run()
    assert runs == 1  # the body did not run again
    second.assert_outcomes(passed=1)
    second.stdout.fnmatch_lines(["reused: 1 of 1 claim items kept from an earlier run*"])
    assert replayed["verdict"] == "HOLDS" and replayed["measurements"] == computed["measurements"]
    assert replayed["reused"]["duration"] == computed["duration"]
    assert [row["stage"] for row in replayed["stages"]] == ["reused verdicts"]


def test_a_changed_claim_file_runs_again(pytester, run):
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE))
    run()
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE + "  # edited"))
    _, [entry], runs = run()
    assert runs == 2 and "reused" not in entry


def test_recompute_runs_every_claim_again(pytester, run):
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE))
    run()
    _, [entry], runs = run("--recompute")
    assert runs == 2 and "reused" not in entry


def test_an_error_is_never_kept(pytester, run):
    pytester.makepyfile(test_claim=CLAIM.format(body='evidence.measure("units", float("nan"))'))
    first, [entry], _ = run()
    assert entry["verdict"] == "ERROR"
    second, [entry], runs = run()
    assert runs == 2 and entry["verdict"] == "ERROR"
    second.assert_outcomes(errors=1)


def test_a_key_that_cannot_be_made_runs_the_claim(pytester, run, monkeypatch):
    from zoom_in_claims import reuse

    def broken(item):
        raise OSError("photographs unreadable")

    monkeypatch.setattr(reuse, "verdict_key", broken)
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE))
    run()
    result, [entry], runs = run()
    assert runs == 2 and entry["verdict"] == "HOLDS"
    result.stdout.fnmatch_lines(["*its verdict cannot be kept (OSError: photographs unreadable); running it*"])


def test_a_path_setting_is_not_an_input_what_it_points_at_is(pytester, run, monkeypatch):
    pytester.makepyfile(test_claim=CLAIM.format(body=MEASURE))
    run()
    monkeypatch.setenv("ZOOM_IN_SHARED", str(pytester.path))  # read by .ci/run only, never by a claim
    _, [entry], runs = run()
    assert runs == 1 and "reused" in entry


COMPARISON = '''
from zoom_in_claims import claim


@claim("demo.compare", "Two networks share a unit.", source="test", kind="weights",
       predictions={"shared": ">= 1"}, resample="exact")
def test_compare(model, reference, evidence):
    evidence.measure("shared", 1)
'''


def test_a_comparison_with_one_network_skips_before_building_its_null_twin(pytester, run, monkeypatch):
    """A warm run replays every verdict; a NOT RUN comparison must not build a null twin just to skip."""
    from zoom_in_claims import models

    built = []
    monkeypatch.setattr(models, "null_twin", lambda *args, **kwargs: built.append(kwargs) or args[0])
    pytester.makepyfile(test_compare=COMPARISON)
    (pytester.path / "runs.txt").write_text("")
    result, [entry], _ = run("--controls", "--null-seeds", "2")
    result.assert_outcomes(skipped=3)
    assert built == []
    assert entry["verdict"] == "NOT RUN" and "give two or more" in entry["reason"]

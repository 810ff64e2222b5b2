"""Claims on pytest-xdist workers give the same ledger and report as a serial run; too few images is NOT RUN.

Inner runs (pytester) on a tiny user network and the constructed curve network, with a folder of twelve
generated images: the plugin's mechanics only, never evidence about a vision network.
"""
import json
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.slow  # each test starts pytest processes and their workers

REPO = Path(__file__).resolve().parents[1]
MODEL = "--model=tests.example_user_model:tiny_convnet"

CLAIMS = '''
from zoom_in_claims import claim

@claim("demo.images", "Reads the photographs.", source="test", kind="weights", min_images=4,
       positive="constructed_curves", predictions={"mean pixel": ">= 0"}, resample="exact")
def test_images(model, images, evidence, figures):
    figures.add("first image", images.images[0])
    evidence.measure("mean pixel", float(images.images.mean()) if not model.null else -1.0)

@claim("demo.needs_many", "Rests on more photographs than given.", source="test", kind="weights", min_images=500,
       predictions={"never measured": ">= 0"}, resample="exact")
def test_needs_many(model, images, evidence):
    evidence.measure("never measured", 1.0)

@claim("demo.trained", "Holds only with trained weights.", source="test", kind="weights",
       predictions={"trained": ">= 0.5"}, resample="exact")
def test_trained(model, evidence):
    evidence.measure("trained", 0.0 if model.null else 1.0)
'''


@pytest.fixture
def inner(pytester, monkeypatch):
    pytester.makepyfile(test_inner_claims=CLAIMS)
    folder = pytester.path / "photos"
    folder.mkdir()
    for i in range(12):
        Image.new("RGB", (40, 30), (20 * i, 100, 255 - 20 * i)).save(folder / f"image{i:02d}.png")
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # xdist workers import the plugin and the tiny network
    monkeypatch.setenv("ZOOM_IN_CACHE", str(pytester.path / "cache"))
    return pytester


def _run(inner, *extra):
    return inner.runpytest_subprocess(MODEL, "--images", "photos", "--controls",
                                      "--null-seeds", "1", *extra)


def _comparable(ledger: Path) -> list[dict]:
    rows = json.loads((ledger / "ledger.json").read_text())["entries"]
    for row in rows:  # times and memory are the machine's, not the claim's
        row.pop("duration"), row.pop("setup_duration"), row.pop("stages"), row.pop("peak_memory_gb", None)
    return rows


def test_two_workers_give_the_serial_ledger_and_report(inner):
    serial = _run(inner, "--ledger", "serial", "--report", "serial-report")
    parallel = _run(inner, "-n", "2", "--ledger", "parallel", "--report", "parallel-report")
    assert serial.ret == parallel.ret == 0, parallel.stdout.str()
    assert "2 workers" in parallel.stdout.str()
    rows = _comparable(inner.path / "serial")
    assert rows == _comparable(inner.path / "parallel")
    assert {row["id"] for row in rows} == {"demo.images", "demo.needs_many", "demo.trained"}
    for name in ("serial-report", "parallel-report"):
        assert len(list((inner.path / name / "figures").glob("*.png"))) == 3  # trained, null twin, positive


WHERE = '''
import os
from pathlib import Path
from probes.records.timing import network_of
from zoom_in_claims import claim

def _note(model):
    with Path("workers.log").open("a") as log:
        log.write(f"{network_of(model)}|{os.environ['PYTEST_XDIST_WORKER']}\\n")

@claim("where.first", "Notes its worker.", source="test", kind="weights", positive="constructed_curves",
       predictions={"trained": ">= 0.5"}, resample="exact")
def test_first(model, evidence):
    _note(model)
    evidence.measure("trained", 0.0 if model.null else 1.0)

@claim("where.second", "Notes its worker.", source="test", kind="weights", positive="constructed_curves",
       predictions={"trained": ">= 0.5"}, resample="exact")
def test_second(model, evidence):
    _note(model)
    evidence.measure("trained", 0.0 if model.null else 1.0)
'''


def test_each_network_runs_on_one_worker(inner):
    """Under pytest 9.2, xdist's loadgroup lost its groups (pytest-xdist issue 1386) and dealt one network's items
    to both workers, and each loaded the network and measured it again."""
    inner.makepyfile(test_where=WHERE)
    result = _run(inner, "test_where.py", "-n", "2", "--null-seeds", "2")
    assert result.ret == 0, result.stdout.str()
    workers: dict[str, set] = {}
    for line in (inner.path / "workers.log").read_text().splitlines():
        network, worker = line.split("|")
        workers.setdefault(network, set()).add(worker)
    assert len(workers) == 4  # the trained network, two null twins, the positive control
    assert all(len(where) == 1 for where in workers.values()), workers


def test_provenance_of_each_verdict(inner):
    assert _run(inner, "--ledger", "out").ret == 0
    rows = {row["id"]: row for row in _comparable(inner.path / "out")}
    images, trained = rows["demo.images"]["provenance"], rows["demo.trained"]["provenance"]
    assert images["weights"] == trained["weights"] and len(images["weights"]) == 16
    assert images["images"] and trained["images"] is None  # only claims that read photographs record them
    assert images["claim_source"] == trained["claim_source"]
    assert images["package"]


def test_too_few_images_is_not_run_with_the_number_needed(inner):
    result = _run(inner, "--ledger", "out", "-rs")
    row = {row["id"]: row for row in _comparable(inner.path / "out")}["demo.needs_many"]
    assert row["verdict"] == "NOT RUN"
    assert "needs at least 500 natural images, 12 given" in row["reason"]
    result.stdout.fnmatch_lines(["*SKIPPED*needs at least 500 natural images, 12 given*"])


def test_workers_replay_kept_verdicts_as_a_serial_run_keeps_them(inner):
    serial = _run(inner, "--ledger", "serial")
    replayed = _run(inner, "-n", "2", "--ledger", "replayed")  # the verdicts the serial run kept
    assert serial.ret == replayed.ret == 0, replayed.stdout.str()
    replayed.stdout.fnmatch_lines(["reused: * claim items kept from an earlier run*"])
    rows = _comparable(inner.path / "replayed")
    assert all(row.pop("reused", None) is not None or row["verdict"] == "NOT RUN" for row in rows)
    assert rows == _comparable(inner.path / "serial")

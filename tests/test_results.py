"""The README's results tables against the committed ledgers (zoom_in_claims/results.py)."""
import json
import math

import pytest

from zoom_in_claims import results
from zoom_in_claims.ledger import SCHEMA_VERSION

NO_ATLASES = results.ROOT / "no such atlases"  # these tests' READMEs have no families table


def test_readme_agrees_with_committed_ledgers():
    if not list(results.RESULTS.glob("*/ledger.json")):
        pytest.skip("no committed ledger in results/ yet: run `pytest claims --controls --ledger out/`, then "
                    "`python -m zoom_in_claims.results save out/` and `python -m zoom_in_claims.results readme`")
    problems, _ = results.check()
    assert not problems, "\n".join(problems) + "\nrun `python -m zoom_in_claims.results readme`"


def prediction(name, value, prediction, outcome="holds", superseded=False, refuted=5, note=""):
    return {"name": name, "value": value, "prediction": prediction, "ci": None if math.isnan(value) else
            [value * 0.9, value * 1.1], "n": 30, "outcome": outcome, "superseded": superseded, "note": note,
            "null_refuted": refuted, "null_seeds": 5, "falsifiable": "yes" if refuted >= 3 else "NO"}


def row(claim, model, verdict="HOLDS", predictions=(), news=False, finding="", positive="HOLDS"):
    return {"id": claim, "model": model, "verdict": verdict, "news": news, "expect": "holds", "statement": "s",
            "reason": "", "duration": 1.0, "finding": finding, "falsifiable": "yes", "sensitive": "yes",
            "null_seeds": 5, "kind": "k", "source": "src", "key": "", "prediction_rows": list(predictions),
            "positive_control": {"model": "constructed", "verdict": positive, "key": "ratio 4.2",
                                 "measurements": []},
            "controls": [{"seed": s, "verdict": "REFUTED", "key": "", "measurements": []} for s in range(5)]}


ROWS = [
    row("curves.lines", "lite0", predictions=[prediction("ratio", 2.8734, ">= 2"),
                                              prediction("old", 1.5, ">= 1", superseded=True)]),
    row("curves.tiling", "lite0", "EXPECTED-REFUTED", [prediction("gap", 93.0, "<= 90", "refuted")],
        finding="finding"),
    row("high_low.direction", "lite0", predictions=[prediction("ratio", 100.0, ">= 2", refuted=1),
                                                    prediction("count", float("nan"), ">= 5", "inconclusive",
                                                           note="too few units")]),
    row("curves.lines", "lite1", "HOLDS", [prediction("ratio", 3.1, ">= 2")], news=True),
]

PROSE = """# Title

Prose before, with a | pipe.

<!-- results:lite0:curves -->
typed by hand
<!-- /results:lite0:curves -->

Prose between.
<!-- results:lite0:high_low -->
<!-- /results:lite0:high_low -->
<!-- results:lite0:dog_heads -->
untouched
<!-- /results:lite0:dog_heads -->
Prose after.
"""


@pytest.fixture
def repo(tmp_path):
    out, readme = tmp_path / "out", tmp_path / "README.md"
    out.mkdir()
    (out / "ledger.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION, "created": "now",
                                                 "entries": ROWS}))
    results.save(out, tmp_path / "results")
    readme.write_text(PROSE)
    return readme, tmp_path / "results"


def outside(text):
    return results.BLOCK.sub(lambda m: m[1] + m[5], text)


def test_save_splits_by_model_and_keeps_other_claims(repo, tmp_path):
    _, committed = repo
    assert sorted(p.parent.name for p in committed.glob("*/ledger.json")) == ["lite0", "lite1"]
    assert [r["id"] for r in results.load(committed)["lite0"]] == ["curves.lines", "curves.tiling",
                                                                  "high_low.direction"]
    assert (committed / "lite0" / "ledger.md").read_text().startswith("# Ledger of claims")
    (tmp_path / "out" / "ledger.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION, "created": "later",
                                                              "entries": [row("curves.tiling", "lite0")]}))
    results.save(tmp_path / "out", committed)
    saved = {r["id"]: r["verdict"] for r in results.load(committed)["lite0"]}
    assert saved == {"curves.lines": "HOLDS", "curves.tiling": "HOLDS", "high_low.direction": "HOLDS"}


def test_readme_regenerates_between_markers_only(repo):
    readme, committed = repo
    notes = results.readme(readme, committed, NO_ATLASES)
    text = readme.read_text()
    assert outside(text) == outside(PROSE) and "untouched" in text and "typed by hand" not in text
    assert "| `curves.lines` | HOLDS | ratio = 2.87 [2.59, 3.16] >= 2 (n=30) HOLDS; null refuted 5 of 5<br>" \
           "superseded: old = 1.5 [1.35, 1.65] >= 1 (n=30) HOLDS; null refuted 5 of 5 | 5 seeds | yes | " \
           "constructed: HOLDS: ratio 4.2 | yes | not run | n/a |" in text
    assert "| `curves.tiling` | EXPECTED-REFUTED (finding) | gap = 93 [83.7, 102] <= 90" in text
    assert "null refuted 1 of 5, VACUOUS<br>count = too few units >= 5 (n=30) INCONCLUSIVE" in text
    assert notes == ["marker results:lite0:dog_heads has no rows in results/lite0/ledger.json",
                     "results/lite1/ledger.json: family curves has no marker results:lite1:curves in the README"]
    results.readme(readme, committed, NO_ATLASES)
    assert readme.read_text() == text
    generated = results.tables(committed, NO_ATLASES)
    assert "| `curves.lines` | HOLDS (NEWS: expected refuted) | ratio = 3.1" in generated["lite1", "curves"]
    assert results.check(readme, committed, NO_ATLASES)[0] == [notes[0]]


def test_check_detects_a_changed_number(repo, capsys):
    readme, committed = repo
    results.readme(readme, committed, NO_ATLASES)
    readme.write_text(readme.read_text().replace("ratio = 2.87", "ratio = 2.88"))
    problems, _ = results.check(readme, committed, NO_ATLASES)
    assert len(problems) == 2 and "-| `curves.lines` | HOLDS | ratio = 2.88" in problems[0] \
        and "+| `curves.lines` | HOLDS | ratio = 2.87" in problems[0]
    assert results.main(["check", "--readme", str(readme), "--results", str(committed)]) == 1
    assert "ratio = 2.88" in capsys.readouterr().out


def test_unclosed_marker_is_reported():
    _, unfilled, _ = results.regenerate("<!-- results:lite0:curves -->\nno end\n", {("lite0", "curves"): "t"})
    assert unfilled == ["marker results:lite0:curves has no closing <!-- /results:lite0:curves -->"]


def test_the_families_table_comes_from_the_atlases(tmp_path):
    from probes.records.atlas import Atlas, Family, Provenance

    found = Provenance("screen", "photographs", "2026-11-30", "probes.discover")
    clipped = {"size": 224, "stride": 32, "clipped": True}
    Atlas("net_a", {"curves": Family("b.5", [1, 2, 3], found, receptive_field={"size": 67, "stride": 8}),
                    "facing": Family("b.15", [4, 5], found, receptive_field=clipped)}).save(tmp_path / "a.json")
    Atlas("net_b", {"curves": Family("mixed_2", [7], found)}).save(tmp_path / "b.json")
    lines = results.families_table(tmp_path).splitlines()
    assert lines[2:] == ["| curves | `net_a` | `b.5` | 3 | 8 px | 67 px |",
                         "| curves | `net_b` | `mixed_2` | 1 | not measured | not measured |",
                         "| facing | `net_a` | `b.15` | 2 | 32 px | ≥ 224 px |"]
    assert results.tables(tmp_path / "no results", tmp_path)["atlases", "families"] == "\n".join(lines)

"""Provenance of verdicts (probes.records.provenance) and the ledger diff that reads it (zoom_in_claims.ledger_diff)."""
import copy
import json

from probes.models import load_model
from probes.models import planted_atlas
from probes.models.null_model import null_twin
from probes.records.atlas import Atlas
from probes.records.provenance import atlas_digest, cached_weights_digest, image_list_digest, weights_digest
from zoom_in_claims.ledger_diff import differences, load_rows, main


def test_weights_digest_names_the_weights_not_the_object():
    first, second = load_model("constructed_curves"), load_model("constructed_curves")
    assert weights_digest(first.module) == weights_digest(second.module)
    assert cached_weights_digest(first) == weights_digest(first.module)
    assert cached_weights_digest(null_twin(first)) != cached_weights_digest(first)


def test_image_list_digest_follows_names_sizes_and_preprocessing(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(b"1234")
    b.write_bytes(b"12345")
    model = load_model("constructed_curves")
    base = image_list_digest([a, b], model.preprocessing)
    assert image_list_digest([a, b], model.preprocessing) == base
    assert image_list_digest([b, a], model.preprocessing) != base
    a.write_bytes(b"123")
    assert image_list_digest([a, b], model.preprocessing) != base


def test_atlas_digest_follows_content_not_path(tmp_path):
    atlas = planted_atlas("constructed_curves")
    reloaded = Atlas.load(atlas.save(tmp_path / "atlas.json"))
    assert atlas_digest(reloaded) == atlas_digest(atlas)
    name, family = next(iter(atlas.families.items()))
    smaller = atlas.with_family(name, type(family)(family.layer, family.units[:-1], family.provenance))
    assert atlas_digest(smaller) != atlas_digest(atlas)


ROW = {"id": "curves.tiling", "model": "efficientnet_lite0", "verdict": "HOLDS",
       "measurements": [{"name": "gap", "value": 40.0}],
       "control": {"verdict": "REFUTED"}, "positive_control": {"verdict": "HOLDS"},
       "provenance": {"claim_source": "aaa", "weights": "w1", "images": "i1", "atlas": "t1", "package": "0.1.0"}}


def _ledger(tmp_path, name, rows):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "ledger.json").write_text(json.dumps({"schema_version": 2, "entries": rows}))
    return folder


def test_diff_names_the_changed_verdict_measurement_and_input(tmp_path, capsys):
    changed = copy.deepcopy(ROW)
    changed.update(verdict="REFUTED", measurements=[{"name": "gap", "value": 120.0}])
    changed["provenance"]["atlas"] = "t2"
    old, new = _ledger(tmp_path, "old", [ROW]), _ledger(tmp_path, "new", [changed])
    assert main([str(old), str(new)]) == 1
    printed = capsys.readouterr().out
    assert "curves.tiling [efficientnet_lite0]: HOLDS -> REFUTED" in printed
    assert "gap: 40 -> 120" in printed
    assert "atlas t1 -> t2" in printed and "weights" not in printed


def test_diff_names_a_control_whose_measurement_moved_under_the_same_verdicts(tmp_path, capsys):
    before = dict(copy.deepcopy(ROW), controls=[{"seed": 0, "verdict": "REFUTED",
                                                  "measurements": [{"name": "gap", "value": 3.0}]}])
    after = copy.deepcopy(before)
    after["controls"][0]["measurements"][0]["value"] = 5.0
    assert main([str(_ledger(tmp_path, "old", [before])), str(_ledger(tmp_path, "new", [after]))]) == 1
    assert "null twin (seed 0), gap: 3 -> 5" in capsys.readouterr().out


def test_diff_is_silent_for_equal_ledgers_and_reports_new_and_gone_rows(tmp_path, capsys):
    same = _ledger(tmp_path, "same", [ROW])
    assert main([str(same), str(same / "ledger.json")]) == 0
    other = dict(ROW, id="curves.other")
    assert differences(load_rows(same), load_rows(_ledger(tmp_path, "other", [other]))) == [
        "curves.tiling [efficientnet_lite0]: gone (HOLDS)", "curves.other [efficientnet_lite0]: new (HOLDS)"]


def test_diff_refuses_what_is_not_a_ledger(tmp_path, capsys):
    (tmp_path / "ledger.json").write_text("{not json")
    assert main([str(tmp_path), str(tmp_path)]) == 2
    assert "not a readable ledger.json" in capsys.readouterr().err

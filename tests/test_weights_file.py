import pytest
import torch
from torch import nn

from probes.models.weights_file import check_state_dict, load_state_dict_file, trust_on_first_use
from probes.zoo import WeightsIntegrityError


def saved(tmp_path, module: nn.Module, name="w.pth"):
    path = tmp_path / name
    torch.save(module.state_dict(), path)
    return path


def test_wrong_checksum_is_refused(tmp_path):
    path = saved(tmp_path, nn.Linear(2, 2))
    with pytest.raises(WeightsIntegrityError, match="does not match"):
        load_state_dict_file(path, sha256="0" * 64)


def test_truncated_file_is_refused(tmp_path):
    path = saved(tmp_path, nn.Linear(20, 20))
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(WeightsIntegrityError, match="not a readable"):
        load_state_dict_file(path)


def test_wrong_keys_and_shapes_are_named(tmp_path):
    state = load_state_dict_file(saved(tmp_path, nn.Sequential(nn.Linear(2, 3))))
    with pytest.raises(WeightsIntegrityError, match=r"missing: weight, bias.*unexpected: 0.weight"):
        check_state_dict(state, nn.Linear(2, 3), source="x")
    with pytest.raises(WeightsIntegrityError, match=r"wrong shape: weight \(3, 2\) != \(4, 2\)"):
        check_state_dict(nn.Linear(2, 3).state_dict(), nn.Linear(2, 4), source="x")


def test_trust_on_first_use_records_then_refuses_a_different_file(tmp_path):
    path = saved(tmp_path, nn.Linear(2, 2))
    digest = trust_on_first_use(path)
    assert (tmp_path / "w.pth.sha256").read_text().startswith(digest)
    assert trust_on_first_use(path) == digest
    torch.save(nn.Linear(2, 2).state_dict(), path)  # another file under the same name
    with pytest.raises(WeightsIntegrityError, match="differs"):
        trust_on_first_use(path)

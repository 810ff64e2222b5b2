"""The disk store (probes/activations/store.py): an entry is served only for the same network, inputs and request; a
network with a hook in place is never served; a stale or unreadable entry is recomputed; the store stays within its
limit; and the activations, receptive fields and feature visualisations that use it give what computing gives."""
import multiprocessing
import time

import pytest
import torch

from probes.activations import store
from probes.activations.receptive_field import receptive_field
from probes.circuits.wiring import ablated
from probes.featurevis import render, unit
from probes.models import load_model


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOOM_IN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "store"


@pytest.fixture(scope="module")
def network():
    return load_model("constructed_curves")


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value
    return compute, calls


def test_an_entry_is_computed_once_then_read():
    compute, calls = counting(torch.arange(5))
    first = store.stored("numbers", ("a", 1), compute)
    second = store.stored("numbers", ("a", 1), compute)
    assert calls == [1] and torch.equal(first, second)


def _store_slowly(log_path, results):
    def compute():
        with open(log_path, "a") as log:
            log.write("computed\n")
        time.sleep(1.0)  # long enough for the other process to find the entry being computed
        return torch.arange(3)
    results.put(store.stored("numbers", ("shared", 1), compute).tolist())


def test_processes_sharing_the_store_compute_an_entry_once(tmp_path):
    """As xdist workers do: the second process waits for the first to store the entry, then reads it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    log_path = tmp_path / "computations.log"
    processes = [context.Process(target=_store_slowly, args=(log_path, results)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0, 0]
    assert log_path.read_text().splitlines() == ["computed"]
    assert [results.get(timeout=5) for _ in processes] == [[0, 1, 2], [0, 1, 2]]


def test_another_request_is_another_entry():
    compute, calls = counting(1)
    store.stored("numbers", ("a", 1), compute)
    store.stored("numbers", ("a", 2), compute)
    store.stored("other kind", ("a", 1), compute)
    assert len(calls) == 3


def test_an_unreadable_entry_is_recomputed_with_a_warning(cache):
    compute, calls = counting(7)
    store.stored("numbers", ("x",), compute)
    [path] = (cache / "numbers").glob("*.pt")
    path.write_bytes(b"not a torch file")
    with pytest.warns(UserWarning, match="stale or unreadable"):
        assert store.stored("numbers", ("x",), compute) == 7
    assert len(calls) == 2
    assert store.stored("numbers", ("x",), compute) == 7 and len(calls) == 2  # replaced by the recomputed value


def test_an_entry_under_another_key_is_never_served(cache):
    store.stored("numbers", ("x",), lambda: 1)
    [path] = (cache / "numbers").glob("*.pt")
    entry = torch.load(path, weights_only=False)
    torch.save({**entry, "key": "something else"}, path)
    with pytest.warns(UserWarning, match="key differs"):
        assert store.stored("numbers", ("x",), lambda: 2) == 2


def test_nothing_is_stored_when_the_cache_is_off(monkeypatch, cache):
    monkeypatch.setenv("ZOOM_IN_CACHE", "")
    compute, calls = counting(1)
    store.stored("numbers", ("x",), compute)
    store.stored("numbers", ("x",), compute)
    assert len(calls) == 2 and not cache.exists()


def test_the_least_recently_used_entries_go_beyond_the_limit(monkeypatch, cache):
    payload = torch.zeros(250_000)  # about 1 MB each
    for name in "abc":
        store.stored("blocks", (name,), lambda: payload)
        time.sleep(0.01)
    store.load("blocks", ("a",))  # read: now the most recently used
    monkeypatch.setenv("ZOOM_IN_CACHE_GB", "0.0025")  # room for two
    store.stored("blocks", ("d",), lambda: payload)
    assert [name for name in "abcd" if store.load("blocks", (name,)) is not store.MISSING] == ["a", "d"]


def test_a_network_key_follows_its_weights_and_refuses_hooks(network):
    before = store.network_key(network)
    assert before == store.network_key(network)
    with ablated(network, list(network.layers)[0], [0]):
        assert store.network_key(network) is None
    parameter = next(network.module.parameters())
    with torch.no_grad():
        parameter.add_(1.0)
        changed = store.network_key(network)
        parameter.sub_(1.0)
    assert changed != before


def test_receptive_fields_and_visualisations_from_the_store_equal_computed_ones(network, cache):
    layer = list(network.layers)[-1]
    computed = receptive_field(network, layer)
    network.extra.pop("receptive_fields")
    assert receptive_field(network, layer) == computed and any((cache / "receptive fields").glob("*.pt"))
    objectives = [unit(layer, 0)]
    first = render(network, objectives, size=computed.canvas, steps=4, progress=False)
    again = render(network, objectives, size=computed.canvas, steps=4, progress=False)
    assert torch.equal(first.images, again.images)
    other = render(network, objectives, size=computed.canvas, steps=5, progress=False)
    assert other.steps == 5  # another option is another entry


def test_store_command_lists_and_clears(cache, capsys):
    store.stored("numbers", ("x",), lambda: 1)
    assert store.usage() == {"numbers": (1, pytest.approx(store.usage()["numbers"][1]))}
    assert store.clear() == 1 and store.usage() == {}


def test_stimulus_responses_are_stored_but_never_under_an_ablation(network, cache):
    from probes.measures.tuning import centre_responses

    layer = list(network.layers)[-1]
    field = receptive_field(network, layer)
    stimuli = torch.rand(3, 3, field.canvas, field.canvas, generator=torch.Generator().manual_seed(0))
    first = centre_responses(network, layer, stimuli, background=(0.5, 0.5, 0.5))
    assert len(list((cache / "stimulus responses").glob("*.pt"))) == 1
    again = centre_responses(network, layer, stimuli, background=(0.5, 0.5, 0.5))
    assert (first == again).all()
    with ablated(network, layer, range(first.shape[1])):
        silenced = centre_responses(network, layer, stimuli, background=(0.5, 0.5, 0.5))
    assert (silenced == 0).all() and len(list((cache / "stimulus responses").glob("*.pt"))) == 1


def test_a_failed_write_costs_the_entry_never_the_value(monkeypatch, cache):
    def full_disk(*args, **kwargs):
        raise RuntimeError("PytorchStreamWriter failed writing file data: file write failed")

    monkeypatch.setattr(store.torch, "save", full_disk)
    with pytest.warns(UserWarning, match="could not store"):
        assert store.stored("numbers", ("x",), lambda: 5) == 5
    assert not list(cache.glob("*/*"))


class CountingPart(torch.nn.Module):
    """A part that counts the batches it computes."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(2.0), requires_grad=False)
        self.calls = 0

    def forward(self, inputs):
        self.calls += 1
        return inputs * self.scale


def test_a_shared_part_computes_each_batch_once_between_the_networks_built_on_it():
    part = CountingPart()
    first, second = store.Shared(part, "doubled").eval(), store.Shared(part, "doubled").eval()
    batch = torch.rand(4, 3)
    torch.testing.assert_close(first(batch), 2 * batch)
    torch.testing.assert_close(second(batch), 2 * batch)
    assert part.calls == 1
    second(torch.rand(4, 3))  # another batch
    assert part.calls == 2
    with torch.no_grad():
        part.scale.fill_(3.0)  # other weights: another entry
    torch.testing.assert_close(first(batch), 3 * batch)
    assert part.calls == 3


def test_a_shared_part_computes_as_usual_when_training_or_carrying_a_gradient():
    part = CountingPart()
    shared = store.Shared(part, "doubled").eval()
    batch = torch.rand(4, 3)
    shared(batch)
    shared(batch.clone().requires_grad_()).sum().backward()
    shared.train()(batch)  # a null twin's batch norms recalibrating must see every batch
    assert part.calls == 3

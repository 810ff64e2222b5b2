"""Stage timing (probes/records/timing.py): each second is counted once, in the innermost stage, and the plugin reports
the run's time by stage in the terminal and in ledger.json."""
import json

from probes.records import timing


class Clock:
    """A clock the test moves by hand: the counting is checked, never the machine's speed."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nested_stages_count_each_second_once(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timing, "clock", clock)
    before = timing.mark()
    with timing.stage("outer", "net"):
        clock.now += 1.0
        with timing.stage("inner", "net", "detail"):
            clock.now += 2.0
        clock.now += 0.5
    spent = timing.since(before)
    assert spent["inner", "net", "detail"] == 2.0
    assert spent["outer", "net", ""] == 1.5  # the inner stage's seconds are not counted again


def test_timed_names_the_network_of_its_first_argument(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timing, "clock", clock)

    class Network:
        name, null, extra = "tiny", "init", {"null_seed": 2}

    @timing.timed("work")
    def work(model):
        clock.now += 1.0

    before = timing.mark()
    work(Network())
    assert timing.since(before)[("work", "tiny null2", "")] == 1.0


def test_rows_sum_by_stage():
    rows = timing.to_rows({("a", "x", ""): 1.0, ("a", "y", ""): 2.0, ("b", "x", ""): 0.5})
    assert timing.by(rows, "stage") == {"a": 3.0, "b": 0.5}
    assert list(timing.by(rows, "network")) == ["y", "x"]


def test_the_ledger_gives_each_claims_stages_and_the_runs(pytester, monkeypatch):
    monkeypatch.setenv("ZOOM_IN_CACHE", str(pytester.path / "cache"))
    pytester.makepyfile(test_claim='''
        from zoom_in_claims import claim
        from probes.activations.receptive_field import receptive_field

        @claim("demo.field", "The last layer sees some pixels.", source="test", kind="weights",
               predictions={"field size": ">= 1"}, resample="exact")
        def test_field(model, evidence):
            evidence.measure("field size", receptive_field(model, list(model.layers)[-1]).size)
    ''')
    result = pytester.runpytest_inprocess("--model=tests.example_user_model:tiny_convnet",
                                          "--ledger", "out")
    result.stdout.fnmatch_lines(["time by stage: *"])  # stages shorter than 0.05 s are left out there
    document = json.loads((pytester.path / "out" / "ledger.json").read_text())
    [entry] = document["entries"]
    assert {row["stage"] for row in entry["stages"]} >= {"receptive fields"}
    assert {row["stage"] for row in document["stages"]} >= {"receptive fields", "claim bodies"}

"""The ledger: which claims hold, by how much, whether each prediction could have failed at all (falsifiable:
refuted on most null twins), whether the instrument can see the truth at all (sensitive: the claim holds on a
network where it is true by construction) and whether it sees that truth rather than something else (specific: the
claim is refuted on its near miss, the same network with the mechanism planted wrong in the claimed respect).

At the end of a run: a table in the terminal grouped by claim family; with --ledger DIR also ledger.json
(versioned schema) and ledger.md (for CI summaries). Files are replaced atomically, and an interrupted run
writes nothing, so the previous ledger survives. A claim that holds only on vacuous predictions, or is blind on
its positive control, or holds on its near miss, fails the run (pytest exit 1) whatever its own item did.
"""
from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

from probes.activations.health import Health, compare
from probes.records import timing
from probes.records.predictions import REFUTED as PREDICTION_REFUTED
from zoom_in_claims.verdicts import ENTRIES, EXPECTED_REFUTED, HOLDS, INCONCLUSIVE, REFUTED

SCHEMA_VERSION = 5  # 3: per-prediction outcomes and falsifiability, null seeds and health, superseded predictions;
# 4: near-miss controls (`specific`, `near_miss_control`) and stimulus ranges at discovery and confirmation;
# 5: seconds by stage (probes.records.timing), per entry and for the whole run; later, additively: peak memory per
# claim item (probes.records.memory)


def prediction_rows(trained: dict, nulls: list[dict]) -> list[dict]:
    """Each measured prediction of the trained entry, with how many null seeds refuted it and whether that is
    most of them (falsifiable), or `None` when no null ran. Superseded predictions come last, never counted."""
    rows = []
    for m in trained["measurements"]:
        if m["prediction"] is None:
            continue
        refuted = [any(n["name"] == m["name"] and n["prediction"] == m["prediction"]
                       and n["outcome"] == PREDICTION_REFUTED for n in null["measurements"]) for null in nulls]
        falsifiable = None if not nulls else ("yes" if sum(refuted) * 2 > len(nulls) else "NO")
        rows.append({**m, "null_refuted": sum(refuted), "null_seeds": len(nulls), "falsifiable": falsifiable})
    return sorted(rows, key=lambda p: p["superseded"])


def falsifiable(predictions: list[dict]) -> str:
    """yes: every tested prediction refuted on most null seeds; NO: none (the claim is vacuous); partly:
    some are vacuous (the claim rests on the others); n/a: no null ran or nothing was tested."""
    flags = [p["falsifiable"] for p in predictions if not p["superseded"] and p["falsifiable"]]
    if not flags:
        return "n/a"
    return "yes" if all(f == "yes" for f in flags) else "NO" if all(f == "NO" for f in flags) else "partly"


def sensitive(positive: dict | None) -> str:
    """yes: the claim holds on its positive control; NO: refuted there (the instrument is blind to a planted truth:
    the run fails); not shown: inconclusive there (too few samples to see it: the claim's refutations are no
    findings); n/a: no positive control declared or run, or it did not reach a verdict."""
    if positive is None:
        return "n/a"
    return {HOLDS: "yes", REFUTED: "NO", INCONCLUSIVE: "not shown"}.get(positive["verdict"], "n/a")


def specific(near_miss: dict | None) -> str:
    """yes: the claim is refuted on its near miss; NO: it holds there (it measures something other than the
    mechanism it names: the run fails); not shown: inconclusive there; n/a: no near miss declared or run, or it did
    not reach a verdict."""
    if near_miss is None:
        return "n/a"
    return {REFUTED: "yes", HOLDS: "NO", INCONCLUSIVE: "not shown"}.get(near_miss["verdict"], "n/a")


def finding(row: dict) -> str:
    """What a verdict is worth: a refutation counts as a finding only when its instrument was shown sensitive."""
    if row["verdict"] not in (REFUTED, EXPECTED_REFUTED):
        return ""
    return "finding" if row["sensitive"] == "yes" else "not a finding: instrument not shown sensitive"


def failures(row: dict) -> list[str]:
    """Why this row fails the run: vacuous (holds, and no prediction is falsifiable; unless the claim is kept as a
    known vacuous one), insensitive (refuted on its positive control) or unspecific (holds on its near miss)."""
    reasons = []
    if row["verdict"] == HOLDS and row["falsifiable"] == "NO" and row["expect"] != "vacuous":
        reasons.append(f"{row['id']} on {row['model']} is NOT FALSIFIABLE: every prediction holds on most null twins")
    if row["sensitive"] == "NO":
        reasons.append(f"{row['id']} is INSENSITIVE: {row['positive_control']['verdict']} on its positive control "
                       f"{row['positive_control']['model']}")
    if row.get("specific") == "NO" and row["expect"] != "vacuous":
        reasons.append(f"{row['id']} is UNSPECIFIC: HOLDS on its near miss {row['near_miss_control']['model']}, "
                       f"where the mechanism is planted wrong")
    return reasons


def null_health(trained: dict, nulls: list[dict]) -> dict | None:
    """The trained network's activation health beside each null seed's, with a warning per layer off by more
    than 2x (probes.activations.health.compare): a broken null refutes everything and proves nothing."""
    if not nulls or not trained.get("health"):
        return None
    def read(health: dict) -> dict:
        return {layer: Health(**values) for layer, values in health.items()}

    warnings = sorted({f"seed {null['seed']}: {warning}" for null in nulls if null.get("health")
                       for warning in compare(read(trained["health"]), read(null["health"]))})
    return {"trained": trained["health"], "seeds": {str(n["seed"]): n.get("health") for n in nulls},
            "warnings": warnings}


def _control(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    return {field: entry.get(field) for field in ("model", "null", "seed", "verdict", "key", "measurements")}


def ledger_rows(entries: list[dict]) -> list[dict]:
    """One row per claim and model: the trained model's entry with its null seeds and positive control folded in."""
    nulls = defaultdict(list)
    for e in entries:
        if e["role"] == "null":
            nulls[(e["id"], e["model"])].append(e)
    positives = {e["id"]: e for e in entries if e["role"] == "positive"}
    near_misses = {e["id"]: e for e in entries if e["role"] == "near_miss"}
    rows = []
    for entry in entries:
        if entry["role"] != "trained":
            continue
        seeds = sorted(nulls.get((entry["id"], entry["model"]), []), key=lambda e: e.get("seed") or 0)
        positive = positives.get(entry["id"])
        row = dict(entry)
        row["prediction_rows"] = prediction_rows(entry, seeds)
        row["falsifiable"] = falsifiable(row["prediction_rows"])
        row["sensitive"] = sensitive(positive)
        row["specific"] = specific(near_misses.get(entry["id"]))
        row["finding"] = finding(row)
        row["controls"] = [_control(seed) for seed in seeds]
        row["control"] = _control(seeds[0]) if seeds else None  # the first seed, for readers of schema 2
        row["null_seeds"] = len(seeds)
        row["null_health"] = null_health(entry, seeds)
        row["positive_control"] = _control(positive)
        row["near_miss_control"] = _control(near_misses.get(entry["id"]))
        row["failures"] = failures(row)
        if row["expect"] == "vacuous" and row["falsifiable"] in ("yes", "partly"):
            row["news"] = True  # a claim kept as vacuous that the nulls now refute
        rows.append(row)
    return sorted(rows, key=lambda r: (r["id"].split(".")[0], r["id"], r["model"]))


def verdict_text(row: dict) -> str:
    news = " (NEWS: expected vacuous)" if row["expect"] == "vacuous" else " (NEWS: expected refuted)"
    vacuous = " (expected vacuous)" if row["expect"] == "vacuous" and not row["news"] else ""
    return row["verdict"] + (news if row["news"] else vacuous)


def prediction_text(p: dict) -> str:
    """`name = value [low, high] >= threshold (n=…) OUTCOME`, with the null seeds that refuted it."""
    ci = f" [{p['ci'][0]:.3g}, {p['ci'][1]:.3g}]" if p["ci"] else ""
    n = f" (n={p['n']})" if p["n"] else ""
    value = p["note"] if p["value"] != p["value"] else f"{p['value']:.3g}"  # NaN: inconclusive by declaration
    text = f"{'superseded: ' if p['superseded'] else ''}{p['name']} = {value}{ci} {p['prediction']}{n} " \
           f"{p['outcome'].upper()}"
    if p.get("falsifiable"):
        vacuous = "" if p["falsifiable"] == "yes" else ", VACUOUS"
        text += f"; null refuted {p['null_refuted']} of {p['null_seeds']}{vacuous}"
    return text


def _predictions(row: dict) -> list[str]:
    return [prediction_text(p) for p in row.get("prediction_rows", [])] or [row["key"] or row["reason"]]


def _control_text(control: dict | None) -> str:
    return f"{control['verdict']}: {control['key']}" if control else "not run"


def ranges_text(stimulus: str, ranges: dict) -> str:
    """`arcs: radius discovery 0.2-0.4 | confirmation 0.15, 0.5`: where confirmation went beside discovery."""
    def values(parameter_values: dict, parameter: str) -> str:
        chosen = parameter_values.get(parameter)
        if not chosen:
            return "-"
        return ", ".join(f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in chosen)
    parameters = sorted(set(ranges["discovery"]) | set(ranges["confirmation"]))
    return f"{stimulus}: " + "; ".join(f"{p} discovery {values(ranges['discovery'], p)} | confirmation "
                                       f"{values(ranges['confirmation'], p)}" for p in parameters)


def _nulls_text(row: dict) -> str:
    if not row["controls"]:
        return "not run"
    verdicts = defaultdict(int)
    for control in row["controls"]:
        verdicts[control["verdict"]] += 1
    text = f"{row['null_seeds']} seeds: " + ", ".join(f"{n} {v}" for v, n in verdicts.items())
    health = row.get("null_health") or {}
    return text + (f"; health: {len(health['warnings'])} warnings" if health.get("warnings") else "")


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def markdown(rows: list[dict]) -> str:
    lines = ["# Ledger of claims", "",
             "A prediction HOLDS when its 95% interval clears the threshold, is REFUTED when the interval lies wholly "
             "on the wrong side, and is INCONCLUSIVE otherwise. `falsifiable`: each prediction refuted on most null "
             "twins (the architecture initialised as for training, selected by the same screen). `sensitive`: holds "
             "on its positive control, a constructed network where it is true by construction. `specific`: refuted "
             "on its near miss, the same network with the mechanism planted wrong in exactly the claimed respect. A "
             "refutation is a finding only when its instrument is sensitive.", "",
             "| claim | model | verdict | predictions | null twins | falsifiable | positive control | sensitive "
             "| near miss | specific | time (s) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        verdict = verdict_text(row) + (f" ({row['finding']})" if row["finding"] else "")
        lines.append(f"| `{row['id']}` | {row['model']} | **{verdict}** | {'<br>'.join(_predictions(row))} | "
                     f"{_nulls_text(row)} | {row['falsifiable']} | "
                     f"{_control_text(row['positive_control'])} | {row['sensitive']} | "
                     f"{_control_text(row.get('near_miss_control'))} | {row.get('specific', 'n/a')} | "
                     f"{row['duration']} |"
                     .replace("\n", " "))
    ranged = [row for row in rows if row.get("stimulus_ranges")]
    if ranged:
        lines += ["", "Stimuli at discovery and at confirmation:", ""]
        lines += [f"- `{row['id']}`: {ranges_text(stimulus, ranges)}" for row in ranged
                  for stimulus, ranges in row["stimulus_ranges"].items()]
    warnings = sorted({w for row in rows for w in (row.get("null_health") or {}).get("warnings", [])})
    if warnings:
        lines += ["", "Null health warnings (a null off the trained range is flagged, never used silently):", ""]
        lines += [f"- {w}" for w in warnings]
    lines += ["", "Statements:", ""]
    seen = set()
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            lines.append(f"- `{row['id']}` ({row['kind']}; {row['source']}; resamples {row.get('resample')}; "
                         f"{row.get('registered', 'registered')}): {row['statement']}")
    return "\n".join(lines) + "\n"


def write_ledger(directory: Path, rows: list[dict], stages: list[dict] | None = None,
                 memory: list[dict] | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    document = {"schema_version": SCHEMA_VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "entries": rows,
                "stages": stages or [], "memory": memory or []}
    _atomic_write(directory / "ledger.json", json.dumps(document, indent=1) + "\n")
    _atomic_write(directory / "ledger.md", markdown(rows))


def _network(entry: dict) -> str:
    return entry["model"] + {"null": f" null{entry.get('seed')}", "positive": " (positive)",
                             "near_miss": " (near miss)"}.get(entry["role"], "")


def time_by_network(entries: list[dict]) -> dict[str, float]:
    """Seconds spent per network (the trained model, each null seed, each positive control), setup included:
    where a run's time goes."""
    seconds: dict[str, float] = defaultdict(float)
    for e in entries:
        seconds[_network(e)] += e.get("duration", 0) + e.get("setup_duration", 0)
    return dict(sorted(seconds.items(), key=lambda item: -item[1]))


def time_by_stage(entries: list[dict]) -> list[dict]:
    """The run's seconds per (stage, network, detail), summed over its claims (probes.records.timing), with what no
    instrument's stage covers (the claims' own arithmetic, pytest) as "claim bodies"."""
    seconds: dict[tuple, float] = defaultdict(float)
    for e in entries:
        staged = 0.0
        for row in e.get("stages", []):
            seconds[row["stage"], row["network"], row["detail"]] += row["seconds"]
            staged += row["seconds"]
        rest = e.get("duration", 0) + e.get("setup_duration", 0) - staged
        seconds["claim bodies", _network(e), ""] += max(rest, 0.0)
    return timing.to_rows(seconds)


def memory_by_claim(entries: list[dict]) -> list[dict]:
    """Each claim item's peak resident memory (its process's, what was loaded before included), largest first: which
    claims and networks set a run's peak. Items that reused a kept verdict, or ran where it cannot be read, have
    none."""
    rows = [{"claim": e["id"], "network": _network(e), "peak_memory_gb": e["peak_memory_gb"]}
            for e in entries if e.get("peak_memory_gb") is not None]
    return sorted(rows, key=lambda row: -row["peak_memory_gb"])


ROWS = pytest.StashKey[list]()


def _rows(config) -> list[dict]:
    if ROWS not in config.stash:
        config.stash[ROWS] = ledger_rows(config.stash.get(ENTRIES, []))
    return config.stash[ROWS]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Vacuous and insensitive claims fail the run, whatever their own items did (judged across seeds)."""
    if hasattr(session.config, "workerinput") or not session.config.stash.get(ENTRIES, []):
        return
    if any(row["failures"] for row in _rows(session.config)) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.stash.get(ENTRIES, []) or hasattr(config, "workerinput"):  # xdist: the controller writes it
        return
    rows = _rows(config)
    write = terminalreporter.write_line
    terminalreporter.section("ledger of claims")
    by_family = defaultdict(list)
    for row in rows:
        by_family[row["id"].split(".")[0]].append(row)
    for family, members in by_family.items():
        write(f"[{family}]", bold=True)
        for row in members:
            flag = {"NO": "NO  <- vacuous"}.get(row["falsifiable"], row["falsifiable"])
            seen = {"NO": "NO  <- INSENSITIVE: blind to a planted truth"}.get(row["sensitive"], row["sensitive"])
            only = {"NO": "NO  <- UNSPECIFIC: holds on its near miss"}.get(row.get("specific"), row.get("specific"))
            write(f"  {row['id']:<42} {row['model']:<20} {verdict_text(row):<17} falsifiable: {flag:<6} "
                  f"sensitive: {seen:<4} specific: {only:<4} {row['duration']:>6.1f}s "
                  f"(+{row.get('setup_duration', 0):.1f}s setup)",
                  red=row["verdict"] in (REFUTED, "ERROR") or bool(row["failures"]),
                  yellow=row["verdict"] == INCONCLUSIVE,
                  green=row["verdict"] == HOLDS and not row["failures"])
            for prediction in _predictions(row):
                write(f"      {prediction}")
            if row["finding"]:
                write(f"      ({row['finding']})")
            if row["controls"]:
                write(f"      null ({row['control']['null']}): {_nulls_text(row)}")
            if row["positive_control"]:
                write(f"      positive ({row['positive_control']['model']}): {_control_text(row['positive_control'])}")
            if row.get("near_miss_control"):
                write(f"      near miss ({row['near_miss_control']['model']}): "
                      f"{_control_text(row['near_miss_control'])}")
            for stimulus, ranges in (row.get("stimulus_ranges") or {}).items():
                write(f"      stimuli {ranges_text(stimulus, ranges)}")
    entries = config.stash.get(ENTRIES, [])
    write("time by network (setup + call): " + ", ".join(
        f"{network} {seconds:.0f}s" for network, seconds in time_by_network(entries).items()))
    stages = time_by_stage(entries)
    write("time by stage: " + ", ".join(f"{name} {seconds:.1f}s"
                                        for name, seconds in timing.by(stages, "stage").items() if seconds >= 0.05))
    memory = memory_by_claim(entries)
    if memory:
        write("largest peak memory (resident, per process): " + ", ".join(
            f"{row['peak_memory_gb']:.1f} GB {row['claim']} on {row['network']}" for row in memory[:3]))
    reused = sum(1 for e in entries if e.get("reused"))
    if reused:
        write(f"reused: {reused} of {len(entries)} claim items kept from an earlier run with the same inputs "
              f"(zoom_in_claims/reuse.py; --recompute runs them again)")
    for warning in sorted({w for row in rows for w in (row.get("null_health") or {}).get("warnings", [])}):
        write(f"null health: {warning}", yellow=True)
    for reason in [reason for row in rows for reason in row["failures"]]:
        write(f"FAILS THE RUN: {reason}", red=True)
    directory = config.getoption("ledger")
    if directory:
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            write(f"run interrupted: the ledger in {directory} was left as it was")
        else:
            write_ledger(Path(directory), rows, stages, memory)
            write(f"ledger written to {directory}/ledger.json and ledger.md")

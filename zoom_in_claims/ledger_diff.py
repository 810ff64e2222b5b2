"""What changed between two ledgers, and which input changed with it.

    python -m zoom_in_claims.ledger_diff OLD NEW        (each a ledger.json or the folder holding one)

Lists every claim (and model) whose verdict or measurements changed, or a control's (each null twin by its seed,
the positive control, the near miss), or that appeared or disappeared, with the provenance
fields that differ (claim source, weights, images, atlas, package). Exit status as diff(1): 0 when nothing
changed, 1 when something did, 2 on bad input.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

RELATIVE_TOLERANCE = 1e-4  # float32 noise (summation order follows torch's thread count), below the printed digits


def load_rows(path: str | Path) -> dict[tuple[str, str], dict]:
    path = Path(path)
    if path.is_dir():
        path = path / "ledger.json"
    try:
        document = json.loads(path.read_text())
        rows = document["entries"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"ledger_diff: {path} is not a readable ledger.json ({error})") from None
    return {(row["id"], row["model"]): row for row in rows}


def _values(row: dict) -> dict[str, float]:
    return {m["name"]: m["value"] for m in row.get("measurements", [])}


def _close(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12) or (a != a and b != b)  # NaN == NaN
    return a == b


def changed_measurements(old: dict, new: dict) -> list[str]:
    before, after = _values(old), _values(new)
    lines = []
    for name in dict.fromkeys([*before, *after]):
        if name not in after:
            lines.append(f"{name}: {before[name]:.4g} -> (gone)")
        elif name not in before:
            lines.append(f"{name}: (new) -> {after[name]:.4g}")
        elif not _close(before[name], after[name]):
            lines.append(f"{name}: {before[name]:.4g} -> {after[name]:.4g}")
    return lines


def _controls(row: dict) -> dict[str, dict]:
    """Each control's entry, by name: every null twin by its seed (a ledger of schema 2 has only the first, as
    "control"), the positive control, the near miss."""
    nulls = row.get("controls") or ([row["control"]] if row.get("control") else [])
    found = {f"null twin (seed {control.get('seed')})": control for control in nulls}
    found.update({name: row[field] for name, field in (("positive control", "positive_control"),
                                                        ("near-miss control", "near_miss_control")) if row.get(field)})
    return found


def changed_controls(old: dict, new: dict) -> list[str]:
    """Each control whose verdict or measurements changed (a verdict alone can hide a moved value)."""
    before, after = _controls(old), _controls(new)
    lines = []
    for name in dict.fromkeys([*before, *after]):
        was, now = before.get(name, {}), after.get(name, {})
        if was.get("verdict") != now.get("verdict"):
            lines.append(f"{name}: {was.get('verdict')} -> {now.get('verdict')}")
        lines += [f"{name}, {line}" for line in changed_measurements(was, now)]
    return lines


def changed_inputs(old: dict, new: dict) -> list[str]:
    before, after = old.get("provenance") or {}, new.get("provenance") or {}
    return [f"{field} {before.get(field)} -> {after.get(field)}"
            for field in dict.fromkeys([*before, *after]) if before.get(field) != after.get(field)]


def differences(old_rows: dict, new_rows: dict) -> list[str]:
    """One paragraph per changed row; empty when the ledgers agree on every verdict and measurement."""
    report = []
    for key in dict.fromkeys([*old_rows, *new_rows]):
        claim, model = key
        old, new = old_rows.get(key), new_rows.get(key)
        if old is None or new is None:
            report.append(f"{claim} [{model}]: {'new' if old is None else 'gone'} "
                          f"({(new or old)['verdict']})")
            continue
        measurements = changed_measurements(old, new)
        controls = changed_controls(old, new)
        if old["verdict"] == new["verdict"] and not measurements and not controls:
            continue
        verdict = (f"{old['verdict']} -> {new['verdict']}" if old["verdict"] != new["verdict"]
                   else f"{new['verdict']} (unchanged)")
        inputs = changed_inputs(old, new)
        report.append("\n".join([f"{claim} [{model}]: {verdict}", *(f"    {line}" for line in measurements + controls),
                                 "    inputs changed: " + ("; ".join(inputs) if inputs else
                                                            "none recorded (nondeterminism, or an input the "
                                                            "ledger does not track)")]))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoom_in_claims.ledger_diff", description=__doc__.split("\n")[0])
    parser.add_argument("old", help="the earlier ledger.json, or its folder")
    parser.add_argument("new", help="the later ledger.json, or its folder")
    arguments = parser.parse_args(argv)
    try:
        old, new = load_rows(arguments.old), load_rows(arguments.new)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    report = differences(old, new)
    print("\n".join(report) if report else f"no change: {len(new)} rows, same verdicts and measurements")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())

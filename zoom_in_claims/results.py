"""Committed results, and the README's results tables generated from them.

    python -m zoom_in_claims.results save OUT_DIR   # OUT_DIR/ledger.json -> results/<model>/ledger.json and ledger.md
    python -m zoom_in_claims.results readme         # rewrite README.md between its results markers
    python -m zoom_in_claims.results check          # exit 1, printing what differs, when README.md is stale

A table is generated for each claim family of each results/<model>/ledger.json, between the marker comments
`<!-- results:<model>:<family> -->` and `<!-- /results:<model>:<family> -->` that the README's author placed
where the prose needs it. Only the text between existing markers is rewritten; no marker is ever added.
The marker `<!-- results:atlases:families -->` gets the table of every atlas's families: which models have each
family, at which layer, with how many units, at what stride and receptive field (atlases/<model>.json).
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from zoom_in_claims.ledger import SCHEMA_VERSION, markdown, prediction_text, verdict_text

ROOT = Path(__file__).resolve().parent.parent
README, RESULTS, ATLASES = ROOT / "README.md", ROOT / "results", ROOT / "atlases"
OPENER = re.compile(r"<!-- results:(\S+):([^:\s]+) -->")
BLOCK = re.compile(r"(<!-- results:(\S+):([^:\s]+) -->)(.*?)(<!-- /results:\2:\3 -->)", re.S)
HEADER = ["claim", "verdict", "predictions", "null twins", "falsifiable", "positive control", "sensitive",
          "near miss", "specific"]


READABLE = (3, 4, SCHEMA_VERSION)  # schema 3 lacks the near-miss columns: they read "not run" and n/a


def _read(path: Path) -> dict:
    document = json.loads(path.read_text())
    if document.get("schema_version") not in READABLE:
        raise SystemExit(f"{path}: schema version {document.get('schema_version')}, expected {SCHEMA_VERSION}: "
                         f"run the claims again")
    return document


def _order(row: dict) -> tuple:
    return row["id"].split(".")[0], row["id"], row["model"]


def save(out_dir: Path, results: Path = RESULTS) -> list[Path]:
    """Split OUT_DIR/ledger.json by model into results/<model>/ledger.json and ledger.md. A model's rows replace
    its committed rows of the same claims; its other committed claims are kept (a run of one family)."""
    source = _read(Path(out_dir) / "ledger.json")
    by_model = defaultdict(list)
    for row in source["entries"]:
        by_model[row["model"]].append(row)
    written = []
    for model, rows in by_model.items():
        directory = Path(results) / model.replace("/", "_")
        old = _read(directory / "ledger.json")["entries"] if (directory / "ledger.json").exists() else []
        kept = [row for row in old if row["id"] not in {r["id"] for r in rows}]
        merged = sorted(kept + rows, key=_order)
        directory.mkdir(parents=True, exist_ok=True)
        document = {"schema_version": SCHEMA_VERSION, "created": source.get("created"), "entries": merged}
        (directory / "ledger.json").write_text(json.dumps(document, indent=1) + "\n")
        (directory / "ledger.md").write_text(markdown(merged))
        written.append(directory / "ledger.json")
        kept_text = f"; kept from earlier runs: {', '.join(r['id'] for r in kept)}" if kept else ""
        print(f"{directory}: saved {len(rows)} claims{kept_text}")
    return written


def load(results: Path = RESULTS) -> dict[str, list[dict]]:
    """The committed rows of each model, by the name of its directory in results/."""
    return {path.parent.name: _read(path)["entries"] for path in sorted(Path(results).glob("*/ledger.json"))}


def _cell(text) -> str:
    return str(text).replace("\n", " ").replace("|", "\\|")


def _row(row: dict) -> list[str]:
    verdict = verdict_text(row) + (" (finding)" if row["finding"] == "finding" else "")
    predictions = [prediction_text(p) for p in row["prediction_rows"]] \
        or [row["key"] or (row["reason"] or "").split("\n")[0]]
    seeds = row["null_seeds"]
    nulls = f"{seeds} seed{'s' if seeds != 1 else ''}" if seeds else "not run"
    return [f"`{row['id']}`", _cell(verdict), "<br>".join(map(_cell, predictions)), nulls, row["falsifiable"],
            _cell(_control(row["positive_control"])), row["sensitive"], _cell(_control(row.get("near_miss_control"))),
            row.get("specific", "n/a")]


def _control(control: dict | None) -> str:
    if control is None:
        return "not run"
    return f"{control['model']}: {control['verdict']}" + (f": {control['key']}" if control["key"] else "")


def table(rows: list[dict]) -> str:
    """The Markdown table of these ledger rows, one line per claim."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return "\n".join(lines + ["| " + " | ".join(_row(row)) + " |" for row in rows])


def tables(results: Path = RESULTS, atlases: Path = ATLASES) -> dict[tuple[str, str], str]:
    """{(model, family): table} for every family of every committed ledger, and ("atlases", "families")."""
    by_block = defaultdict(list)
    for model, rows in load(results).items():
        for row in sorted(rows, key=_order):
            by_block[model, row["id"].split(".")[0]].append(row)
    generated = {block: table(rows) for block, rows in by_block.items()}
    if list(Path(atlases).glob("*.json")):
        generated["atlases", "families"] = families_table(atlases)
    return generated


def families_table(atlases: Path = ATLASES) -> str:
    """One line per family of each atlas, by family then model: its layer, units, stride and receptive field."""
    from probes.records.atlas import Atlas

    lines = ["| family | model | layer | units | stride | receptive field |", "|---|---|---|---|---|---|"]
    found = []
    for path in sorted(Path(atlases).glob("*.json")):
        atlas = Atlas.load(path)
        # "layer.category" names are the published InceptionV1 catalogue's categories, not families a screen found
        found += [(name, atlas.model, family) for name, family in atlas.families.items() if "." not in name]
    for name, model, family in sorted(found, key=lambda item: (item[0], item[1])):
        field = family.receptive_field
        stride = f"{field['stride']} px" if field else "not measured"
        size = (f"{'≥ ' if field.get('clipped') else ''}{field['size']} px") if field else "not measured"
        lines.append(f"| {name} | `{model}` | `{family.layer}` | {len(family.units)} | {stride} | {size} |")
    return "\n".join(lines)


def regenerate(text: str, generated: dict[tuple[str, str], str]) -> tuple[str, list[str], list[str]]:
    """The text with every marked block rewritten; the markers that cannot be filled (no ledger rows, or no
    closing marker: left as they are); and the families that have no marker."""
    blocks = list(BLOCK.finditer(text))
    starts = {m.start() for m in blocks}
    unfilled = [f"marker results:{m[1]}:{m[2]} has no closing <!-- /results:{m[1]}:{m[2]} -->"
                for m in OPENER.finditer(text) if m.start() not in starts]
    unfilled += [f"marker results:{m[2]}:{m[3]} has no rows in results/{m[2]}/ledger.json"
                 for m in blocks if (m[2], m[3]) not in generated]
    placed = {(m[2], m[3]) for m in blocks}
    unplaced = [f"results/{model}/ledger.json: family {family} has no marker results:{model}:{family} in the README"
                for model, family in generated if (model, family) not in placed]

    def fill(m: re.Match) -> str:
        block = generated.get((m[2], m[3]))
        return m[0] if block is None else f"{m[1]}\n\n{block}\n\n{m[5]}"

    return BLOCK.sub(fill, text), unfilled, unplaced


def readme(path: Path = README, results: Path = RESULTS, atlases: Path = ATLASES) -> list[str]:
    """Rewrite the README's marked blocks from the committed ledgers and atlases; what could not be matched up."""
    text = Path(path).read_text()
    new, unfilled, unplaced = regenerate(text, tables(results, atlases))
    if new != text:
        Path(path).write_text(new)
    return unfilled + unplaced


def check(path: Path = README, results: Path = RESULTS, atlases: Path = ATLASES) -> tuple[list[str], list[str]]:
    """(problems, notes): each marked block that differs from what `readme` would write (as a diff) and each
    marker it cannot fill are problems; families with no marker are notes."""
    text = Path(path).read_text()
    new, unfilled, unplaced = regenerate(text, tables(results, atlases))
    problems = []
    for old, m in zip(BLOCK.finditer(text), BLOCK.finditer(new)):
        if old[4] != m[4]:
            diff = difflib.unified_diff(old[4].splitlines(), m[4].splitlines(), lineterm="",
                                        fromfile=f"{path} results:{m[2]}:{m[3]}",
                                        tofile=f"generated from results/{m[2]}/ledger.json")
            problems.append("\n".join(diff))
    return problems + unfilled, unplaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoom_in_claims.results", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["save", "readme", "check"])
    parser.add_argument("out_dir", nargs="?", type=Path, help="save: the directory given to --ledger")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.command == "save":
        if args.out_dir is None:
            parser.error("save needs OUT_DIR, the directory given to `pytest claims --ledger`")
        save(args.out_dir, args.results)
        return 0
    if args.command == "readme":
        for note in readme(args.readme, args.results):
            print(note)
        return 0
    problems, notes = check(args.readme, args.results)
    for line in problems + notes:
        print(line)
    if problems:
        print(f"{args.readme} does not match {args.results}/: `python -m zoom_in_claims.results readme` rewrites the "
              f"marked blocks; a marker with no rows needs its ledger saved, or removing")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

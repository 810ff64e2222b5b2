"""The registry of predictions: every claim's predictions, what they resample and its controls, committed
before the claims run (claims/registry.json), so a threshold cannot move after the data have been seen.

A run whose claims differ from the registry stops with one usage error naming each such claim. A change is an
amendment, made on purpose with a reason:

    python -m zoom_in_claims.register claims                         # register new claims; report changed ones
    python -m zoom_in_claims.register claims --amend curves.use --reason "readers chosen by their own tuning"

An amendment keeps each superseded prediction in the registry; the claim goes on measuring it (the evidence
judges it, marked superseded, without counting it), so the ledger shows the old prediction and its verdict beside
the new. Without a registry file every claim runs UNREGISTERED, and the ledger says so.
"""
from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest

from zoom_in_claims.claims import Claim, claim_of

SCHEMA = 1
DEFAULT = Path("claims") / "registry.json"  # relative to pytest's rootdir
REGISTRY = pytest.StashKey[dict]()


def registry_path(config) -> Path:
    chosen = config.getoption("registry", None) or os.environ.get("ZOOM_IN_REGISTRY")
    return Path(chosen) if chosen else Path(config.rootpath) / DEFAULT


def load(path: Path) -> dict | None:
    text = path.read_text() if path.is_file() else ""
    if not text.strip():
        return None
    document = json.loads(text)
    if document.get("schema") != SCHEMA:
        raise pytest.UsageError(f"{path}: registry schema {document.get('schema')!r}, expected {SCHEMA}")
    return document


def superseded(entry: dict | None) -> dict[str, str]:
    """Every prediction an amendment replaced, latest wording last: {statistic: "<comparator> <threshold>"}."""
    old: dict[str, str] = {}
    for amendment in (entry or {}).get("amendments", []):
        old.update(amendment["superseded"])
    return old


def difference(declared: Claim, entry: dict | None) -> str | None:
    """Why `declared` does not match its registry entry, or None when it does."""
    if entry is None:
        return "not registered"
    if entry["digest"] == declared.digest:
        return None
    changes = []
    registered, now = entry["predictions"], declared.predictions
    for statistic in sorted(set(registered) | set(now)):
        if registered.get(statistic) != now.get(statistic):
            changes.append(f"{statistic!r}: registered {registered.get(statistic) or 'absent'}, "
                           f"declared {now.get(statistic) or 'absent'}")
    now_part = declared.registered_part
    for part in ("resample", "positive", "near_miss"):
        if entry.get(part) != now_part.get(part):
            changes.append(f"{part}: registered {entry.get(part)!r}, declared {now_part.get(part)!r}")
    return "; ".join(changes) or "digest differs"


def pytest_collection_modifyitems(session, config, items):
    """Check every collected claim against the registry: one usage error naming each claim that differs."""
    path = registry_path(config)
    document = load(path)
    config.stash[REGISTRY] = {"path": str(path), "claims": (document or {}).get("claims"), "present": bool(document)}
    if document is None:
        return
    problems = {}
    for item in items:
        declared = claim_of(item)
        if declared is not None and declared.id not in problems:
            why = difference(declared, document["claims"].get(declared.id))
            if why:
                problems[declared.id] = why
    if problems:
        lines = [f"claim {claim_id} differs from the registry {path}: {why}" for claim_id, why in problems.items()]
        lines.append("register a new claim, or amend a changed one with its reason: python -m zoom_in_claims.register "
                     "claims --amend CLAIM --reason '...' (the superseded predictions stay measured)")
        raise pytest.UsageError(*lines)


def registry_entry(config, claim_id: str) -> dict | None:
    claims = config.stash.get(REGISTRY, {}).get("claims")
    return None if claims is None else claims.get(claim_id)


def is_registered(config) -> bool:
    return config.stash.get(REGISTRY, {}).get("present", False)


def updated(document: dict | None, declared: list[Claim], amend: dict[str, str], today: str
            ) -> tuple[dict, list[str], list[str]]:
    """The registry with new claims added and the amended ones amended; (document, messages, refused)."""
    document = document or {"schema": SCHEMA, "claims": {}}
    claims, messages, refused = document["claims"], [], []
    for claim in declared:
        entry = claims.get(claim.id)
        why = difference(claim, entry)
        if why is None:
            continue
        record = {**claim.registered_part, "digest": claim.digest, "statement": claim.statement}
        if entry is None:
            claims[claim.id] = {**record, "registered": today, "amendments": []}
            messages.append(f"registered {claim.id}")
        elif claim.id in amend:
            replaced = {statistic: text for statistic, text in entry["predictions"].items()
                        if claim.predictions.get(statistic) != text}
            amendment = {"date": today, "reason": amend[claim.id], "superseded": replaced,
                         "previous": {part: entry[part] for part in ("resample", "positive", "near_miss", "digest")
                                      if part in entry}}
            claims[claim.id] = {**record, "registered": entry["registered"],
                                "amendments": [*entry.get("amendments", []), amendment]}
            messages.append(f"amended {claim.id}: {why}")
        else:
            refused.append(f"{claim.id} differs from the registry: {why}; amend it with --amend {claim.id} "
                           f"--reason '...'")
    document["claims"] = dict(sorted(claims.items()))
    return document, messages, refused


class _Collector:
    def __init__(self):
        self.claims: dict[str, Claim] = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            declared = claim_of(item)
            if declared is not None:
                self.claims.setdefault(declared.id, declared)


def collect_claims(paths: list[str]) -> list[Claim]:
    """The claims pytest collects from `paths`, as a run would see them (without checking the registry)."""
    collector = _Collector()
    code = pytest.main([*paths, "--collect-only", "-qq", "-p", "no:cacheprovider", "--registry", os.devnull],
                       plugins=[collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise SystemExit(f"collecting {' '.join(paths)} failed (pytest exit {int(code)})")
    return list(collector.claims.values())


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zoom_in_claims.register", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["claims"], help="claim folders or files (default: claims)")
    parser.add_argument("--registry", type=Path, default=DEFAULT, help=f"registry file (default: {DEFAULT})")
    parser.add_argument("--amend", action="append", default=[], metavar="CLAIM", help="claim to amend (repeatable)")
    parser.add_argument("--reason", default=None, help="why the amended claims changed (required with --amend)")
    args = parser.parse_args(argv)
    if args.amend and not args.reason:
        parser.error("--amend needs --reason: an amendment says why")
    declared = collect_claims(args.paths)
    document, messages, refused = updated(load(args.registry), declared, dict.fromkeys(args.amend, args.reason),
                                          datetime.date.today().isoformat())
    print("\n".join(messages + refused) or f"{len(declared)} claims, all as registered")
    if refused:
        return 1
    if messages:
        args.registry.parent.mkdir(parents=True, exist_ok=True)
        args.registry.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
        print(f"written to {args.registry}")
    return 0

"""Verdicts: what a claim's run means, mapped onto honest pytest outcomes.

HOLDS             every declared prediction's 95% interval clears its threshold  -> passed
REFUTED           some prediction's interval lies wholly on the wrong side        -> failed
INCONCLUSIVE      none refuted, some interval straddles its threshold             -> skipped, shown as "inconclusive"
ERROR             anything else raised, an undefined measurement included         -> error (never counted as refuted)
NOT RUN           skipped, with the reason (e.g. weights not available)           -> skipped
EXPECTED-REFUTED  a known negative result, refuted again -> xfailed; if it HOLDS, that is news (xpassed)
Every prediction of a claim is measured; `Evidence.check`, called here once the claim returns, gives the verdict.
Controls (--controls) are judged across the run, in zoom_in_claims/ledger.py: a null twin's item passes whatever its
verdict (several seeds decide together whether each prediction is falsifiable), unless the instrument broke.
On its positive control, a constructed network in which it is true by construction, the claim must hold:
REFUTED there fails the control (INSENSITIVE: the instrument did not see a planted truth); INCONCLUSIVE there
leaves it "not shown" sensitive (zoom_in_claims/ledger.py). On its near miss, the same network with the mechanism
planted wrong in exactly the claimed respect, it must be refuted: HOLDS there fails the control (UNSPECIFIC: the claim
measures something else); INCONCLUSIVE there leaves it "not shown" specific.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.allocator import give_back_freed_memory
from probes.records import memory, provenance, timing
from probes.records.evidence import ClaimInconclusive, ClaimRefuted, MeasurementError
from zoom_in_claims import registry
from zoom_in_claims.claims import claim_of
from zoom_in_claims.data import EVIDENCE

HOLDS, REFUTED, ERROR, NOT_RUN, EXPECTED_REFUTED = "HOLDS", "REFUTED", "ERROR", "NOT RUN", "EXPECTED-REFUTED"
INCONCLUSIVE = "INCONCLUSIVE"
ENTRIES = pytest.StashKey[list]()
SETUP_SECONDS = pytest.StashKey[float]()
STAGES_BEFORE = pytest.StashKey[dict]()
MEMORY_MARKED = pytest.StashKey[bool]()


def model_request(item):
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("model") if callspec else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.stash[STAGES_BEFORE] = timing.mark()
    give_back_freed_memory()  # each claim is credited with its own memory, not what the claims before it freed
    item.stash[MEMORY_MARKED] = memory.reset_peak()
    declared, request = claim_of(item), model_request(item)
    if declared and declared.models and request is not None and request.name not in declared.models:
        pytest.skip(f"claim is about {', '.join(declared.models)}; run it with --model {declared.models[0]}")


def _image_count(item) -> int | None:
    """How many natural images the claim was given, when it uses them."""
    funcargs = getattr(item, "funcargs", {})
    images = (funcargs.get("images") or getattr(funcargs.get("activations"), "images", None)
              or funcargs.get("image_paths"))
    return None if images is None else len(images)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    declared, given = claim_of(item), _image_count(item)
    if declared is not None and given is not None and given < declared.min_images:
        pytest.skip(f"needs at least {declared.min_images} natural images, {given} given: point --images at a "
                    f"larger folder")
    result = yield
    evidence = item.stash.get(EVIDENCE, None)
    if declared is not None:
        if evidence is None:
            raise MeasurementError(f"claim {declared.id} declares predictions but never asked for `evidence`")
        evidence.check()
    return result


def _reason(excinfo) -> str:
    message = str(excinfo.value).strip().splitlines()
    text = f"{excinfo.typename}: {message[0]}" if message else excinfo.typename
    # Hypothesis attaches the minimal falsifying example as a note on the exception.
    notes = [n for n in getattr(excinfo.value, "__notes__", []) if "Falsifying example" in n or "=" in n]
    return text + (" | " + " ".join(n.strip() for n in notes) if notes else "")


def _verdict(call) -> tuple[str, str]:
    if call.excinfo is None:
        return HOLDS, ""
    if call.excinfo.errisinstance(pytest.skip.Exception):
        return NOT_RUN, str(call.excinfo.value)
    if call.excinfo.errisinstance(ClaimRefuted):
        return REFUTED, _reason(call.excinfo)
    if call.excinfo.errisinstance(ClaimInconclusive):
        return INCONCLUSIVE, _reason(call.excinfo)
    return ERROR, _reason(call.excinfo)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    declared = claim_of(item)
    if declared is None:
        return
    request = model_request(item)
    if call.when == "setup" and report.passed:
        item.stash[SETUP_SECONDS] = report.duration  # fixtures: models, activations, stimuli, screens
        return
    if call.when == "teardown" and report.passed:
        return
    if call.when == "setup":
        verdict = NOT_RUN if report.skipped else ERROR
        reason = str(report.longrepr[2]) if report.skipped else _reason(call.excinfo)
    elif call.when == "call":
        verdict, reason = _verdict(call)
    else:
        verdict, reason = ERROR, _reason(call.excinfo)
    evidence = item.stash.get(EVIDENCE, None)
    measurements = evidence.measurements if evidence else []
    news = False
    role = request.role if request else "trained"
    null = request.null if request else None
    if call.when == "call" and role == "null":
        if verdict in (REFUTED, HOLDS, INCONCLUSIVE):  # judged with the other seeds, in the ledger
            report.outcome, report.longrepr = "passed", None
    elif call.when == "call" and role in ("positive", "near_miss") and verdict == INCONCLUSIVE:
        report.outcome, report.longrepr = "skipped", (str(item.path), None, f"INCONCLUSIVE: {reason}")
    elif call.when == "call" and role == "near_miss":
        if verdict == REFUTED:  # what a near miss is for
            report.outcome, report.longrepr = "passed", None
        elif verdict == HOLDS and declared.expect == "vacuous":  # known to hold whatever the weights
            report.outcome, report.wasxfail = "skipped", "expected vacuous: holds on its near miss too"
        elif verdict == HOLDS:
            report.outcome = "failed"
            report.longrepr = (f"UNSPECIFIC: claim {declared.id} HOLDS on {request.name}, where its mechanism is "
                               f"planted wrong in exactly the claimed respect: it measures something else; measured: "
                               + "; ".join(map(str, measurements)))
    elif call.when == "call" and role == "positive":
        if verdict == REFUTED:
            report.outcome = "failed"
            report.longrepr = (f"INSENSITIVE: the instrument did not see a planted truth: claim {declared.id} is "
                               f"{verdict} on {request.name}, where it is true by construction; measured: "
                               + "; ".join(map(str, measurements)))
    elif call.when == "call" and verdict == INCONCLUSIVE:
        report.outcome, report.longrepr = "skipped", (str(item.path), None, f"INCONCLUSIVE: {reason}")
    elif call.when == "call" and declared.expect == "refuted":
        if verdict == REFUTED:
            verdict, report.outcome, report.wasxfail = EXPECTED_REFUTED, "skipped", f"expected refutation: {reason}"
        elif verdict == HOLDS:
            news, report.wasxfail = True, "expected refutation, but the claim now HOLDS"
    report.claim_verdict = verdict
    for m in measurements:
        item.user_properties.append((m.name, str(m)))
    item.user_properties.append(("verdict", verdict))
    report.claim_entry = plain({
        "id": declared.id, "statement": declared.statement, "source": declared.source, "kind": declared.kind,
        "expect": declared.expect, "model": request.name if request else "n/a", "null": null, "role": role,
        "seed": request.seed if request else None, "positive": declared.positive, "near_miss": declared.near_miss,
        "predictions": declared.predictions, "resample": declared.resample,
        "registered": _registration(item, declared),
        "verdict": verdict, "news": news, "reason": reason, "duration": round(report.duration, 2),
        "setup_duration": round(item.stash.get(SETUP_SECONDS, 0.0), 2),
        "stages": timing.to_rows(timing.since(item.stash.get(STAGES_BEFORE, {}))),  # this claim's setup and call
        "peak_memory_gb": _peak_memory(item),
        "measurements": [m.to_dict() for m in measurements],
        "stimulus_ranges": evidence.stimulus_ranges if evidence else {},
        "key": str(evidence.key) if evidence and evidence.key else "",
        "health": _health(item), "test": serial_nodeid(item), "provenance": _provenance(item),
    })


def _peak_memory(item) -> float | None:
    """The most memory the process held during this claim's setup and call (what was already loaded included), in GB;
    None where the system cannot say (probes.records.memory)."""
    peak = memory.peak_gb() if item.stash.get(MEMORY_MARKED, False) else None
    return None if peak is None else round(peak, 2)


def _registration(item, declared) -> str:
    """registered, or UNREGISTERED when the run has no registry
    (zoom_in_claims/registry.py; a mismatch stops the run)."""
    return "registered" if registry.is_registered(item.config) else "UNREGISTERED"


def _health(item) -> dict | None:
    """The network's activation health on the layers its atlas reads (std, dead and saturated fractions)."""
    model = getattr(item, "funcargs", {}).get("model")
    return None if model is None else model.extra.get("health")


def plain(value):
    """Only JSON types (numpy scalars become Python numbers): an entry travels from an xdist worker as is."""
    return json.loads(json.dumps(value, default=lambda x: x.item() if hasattr(x, "item") else str(x)))


def serial_nodeid(item) -> str:
    """The test's id as a serial run names it: xdist's loadgroup appends `@group` on workers."""
    request = model_request(item)
    return item.nodeid.removesuffix(f"@{request.id}") if request is not None else item.nodeid


_SOURCE_DIGESTS: dict[Path, str] = {}


def _provenance(item) -> dict:
    """Digests of every input of this verdict (probes.records.provenance); None where the claim did not use it."""
    funcargs = getattr(item, "funcargs", {})
    model, atlas = funcargs.get("model"), funcargs.get("atlas")
    images = funcargs.get("images") or getattr(funcargs.get("activations"), "images", None)
    paths = funcargs.get("image_paths")
    images_digest = getattr(images, "digest", None) or (
        provenance.image_list_digest(paths, model.preprocessing) if paths and model is not None else None)
    path = Path(item.path)
    if path not in _SOURCE_DIGESTS:
        _SOURCE_DIGESTS[path] = provenance.file_digest(path)
    return {
        "claim_source": _SOURCE_DIGESTS[path],
        "weights": provenance.cached_weights_digest(model) if model is not None else None,
        "images": images_digest,
        "atlas": _atlas_digest(atlas),
        "package": provenance.package_version(),
    }


def _atlas_digest(atlas) -> str | None:
    """A null twin's families are rescreened lazily: its digest is the trained atlas's, marked, so recording
    provenance never runs a screen."""
    if atlas is None:
        return None
    trained = getattr(atlas.families, "trained", None)
    return provenance.atlas_digest(trained) + " rescreened" if trained else provenance.atlas_digest(atlas)


class EntryCollector:
    """Gathers the entries from the test reports, so they reach the ledger whether the claim ran in this
    process or on a pytest-xdist worker (reports travel to the controller with their attributes)."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        entry = getattr(report, "claim_entry", None)
        if entry is not None:
            self.config.stash.setdefault(ENTRIES, []).append(entry)


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("zoom-in-entries"):
        config.pluginmanager.register(EntryCollector(config), "zoom-in-entries")


def pytest_report_teststatus(report, config):
    verdict = getattr(report, "claim_verdict", None)
    if verdict == ERROR and report.when == "call" and report.failed:
        return "error", "E", "ERROR"
    if verdict == INCONCLUSIVE and report.when == "call" and report.skipped:
        return "inconclusive", "i", "INCONCLUSIVE"

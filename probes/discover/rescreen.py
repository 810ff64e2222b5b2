"""Put a null twin through the same selection as the trained network: rescreen an atlas's families on another
network of the same architecture.

A claim about a discovered family ("these 7 units of blocks.5.expand are curve detectors") is controlled by
running it on a null twin. Judged on the trained atlas's unit indices, the null is compared on units nobody chose,
while the trained units were chosen by a discovery screen: the comparison then tests the selection, not the claim.
`rescreen(null, trained_atlas, photographs)` gives the null the same selection: each family at the SAME layer as
the trained one, with as many units (k), chosen by that family's own screen run on the null at that layer only,
on the family's discovery stimuli and the discovery-half photographs.

  - The units that meet the screen's criteria come first, best first by the screen's own score; where fewer than
    k qualify, the next best by that score fill the family up to k (provenance.notes says how many qualified).
  - curves, high_low, edges: criteria and records of the screen's `measure_layer` (probes/discover/<screen>.py);
    ranked qualifying, then passing the stimulus criteria (failing only the natural drive), then by the screen's
    `unit_score` (vector strength for curves and high-low, orientation selectivity for edges). Every unit's
    natural drive is measured: the screens' MIN_FAMILY gate on that measurement is an economy of their layer
    search, not a criterion of a unit. preferred_orientation is the screen's measurement for each chosen unit
    (none for a unit silent to every stimulus).
  - facing: as many mirror pairs as the trained family has (half its units, rounded up), the pairs
    `facing.facing_pairs` passes first, then by `facing.pair_margins`, no unit in two pairs; partners are the
    null's own. facing_union: at the trained union family's layer, `facing.union_margins`' criterion and margin,
    reading the null's rescreened pairs.
  - polysemantic: at the trained family's layer, the units `polysemantic.polysemantic_units` names come first,
    then by `polysemantic.unit_concepts` (number of driving concepts, then margin); each chosen unit carries the
    concepts the screen found for IT: its driving concepts, or, for a unit filled by score, its MIN_CONCEPTS
    most driving concepts among its top photographs' (none when those cluster into no concept at all), so the
    named-units claim tests the null's own named concepts.
A family whose name no screen produces (FAMILY_SCREENS; e.g. InceptionV1's catalogue families "mixed3b.curves",
the constructed networks' "circles") keeps the trained units with provenance.notes "not rescreened: no screen";
`not_rescreened(atlas)` lists them. late_layers are kept. facing and polysemantic need labelled photographs (an
ImageSet); given a bare tensor they are kept and marked too.

The photographs pass through the network once for all families (every needed layer captured in one pass), and
the dog photographs' mirror images once more.
"""
from __future__ import annotations

import datetime
import importlib
import math
from dataclasses import replace

import numpy as np
import torch

from probes.discover.screening import BATCH, natural_responses
from probes.records.atlas import Atlas, Family, Provenance
from probes.records.timing import timed
from probes.zoo import Model

# atlas family name -> the screen (module of probes/discover) that writes it. `python -m probes.discover facing`
# writes two families, "facing" (mirror pairs) and "facing_union" (the union units after them).
FAMILY_SCREENS = {"curves": "curves", "high_low": "high_low", "edges": "edges",
                  "facing": "facing", "facing_union": "facing", "polysemantic": "polysemantic"}
ORIENTATION_SCREENS = ("curves", "high_low", "edges")
NOT_RESCREENED = "not rescreened"


def discovery_photographs(photographs, max_images: int | None = None):
    """The discovery half of an ImageSet (probes.photographs.images.split), as the screens saw it; with `max_images`,
    that many of it evenly spaced over the half (the photographs are in class order, so the first N would hold only
    the first classes: the facing and polysemantic screens would see no vehicles, food or objects at all)."""
    from probes.photographs.images import split

    half = split(photographs, "discovery")
    if max_images is None or max_images >= len(half):
        return half
    return half.subset(np.linspace(0, len(half) - 1, max_images).round().astype(int).tolist())


def not_rescreened(atlas: Atlas) -> list[str]:
    """The families of a rescreened atlas that kept their trained units."""
    return [name for name, family in atlas.families.items() if family.provenance.notes.startswith(NOT_RESCREENED)]


def _kept(family: Family, why: str) -> Family:
    notes = f"{NOT_RESCREENED}: {why}; trained units kept" + (f" (trained: {family.provenance.notes})"
                                                              if family.provenance.notes else "")
    return replace(family, provenance=replace(family.provenance, notes=notes))


def _screen(name: str):
    return importlib.import_module(f"probes.discover.{FAMILY_SCREENS[name]}")


@timed("rescreen")
def rescreen(model: Model, trained_atlas: Atlas, natural_images, *, families=None, peaks=None,
             batch_size: int = BATCH) -> Atlas:
    """An atlas of `model` (a null twin, or any network of the trained model's architecture) with the trained
    atlas's families, each at the same layer and of the same size, chosen by its own screen on `model`.

    natural_images: the discovery-half photographs, an ImageSet (labels needed for facing and polysemantic) or
    an (N, 3, H, W) tensor. families: the names to rescreen (default: every family a screen produces); the
    others keep their trained units, marked "not rescreened" in provenance.notes (`not_rescreened`). peaks:
    {layer: (N, C)} each unit's peak response on each of `natural_images`, where already measured (the pass
    then skips those layers)."""
    images = getattr(natural_images, "pixels", natural_images)  # as decoded: the network reads uint8 itself
    labels = getattr(natural_images, "labels", None)
    source = getattr(natural_images, "source", None)
    described = f"{len(images)} photographs" + (f" of {source}" if source else "")
    wanted = set(trained_atlas.families if families is None else families)
    unknown = wanted - set(trained_atlas.families)
    if unknown:
        raise ValueError(f"rescreen: the atlas of {trained_atlas.model} has no families {sorted(unknown)}")
    today = datetime.date.today().isoformat()
    method = f"rescreen of {trained_atlas.model} atlas on {model.weights}"

    chosen: dict[str, str] = {}  # family name -> why it is kept, or "" when it is rescreened
    for name, family in trained_atlas.families.items():
        if name not in FAMILY_SCREENS:
            chosen[name] = "no screen"
        elif name not in wanted:
            chosen[name] = "not asked"
        elif FAMILY_SCREENS[name] in ("facing", "polysemantic") and labels is None:
            chosen[name] = "its screen needs labelled photographs (an ImageSet)"
        elif name == "facing_union" and "facing" not in trained_atlas.families:
            chosen[name] = "no facing family whose pairs it reads"
        else:
            chosen[name] = ""
    rescreened = [name for name, why in chosen.items() if not why]

    drive_layers = sorted({trained_atlas.families[n].layer for n in rescreened
                           if FAMILY_SCREENS[n] in ORIENTATION_SCREENS},
                          key=list(model.layers).index)
    late = [n for n in rescreened if FAMILY_SCREENS[n] in ("facing", "polysemantic")]
    if any(FAMILY_SCREENS[n] == "facing" for n in late):  # the union units read the pairs: both are screened
        late += [n for n in ("facing", "facing_union") if n in trained_atlas.families]
    peak_layers = sorted({trained_atlas.families[n].layer for n in late}, key=list(model.layers).index)
    known = dict(peaks or {})
    natural = natural_responses(model, images, drive_layers, [layer for layer in peak_layers if layer not in known],
                                batch_size=batch_size)
    natural.peaks.update({layer: known[layer] for layer in peak_layers if layer in known})

    result = dict(trained_atlas.families)
    for name, why in chosen.items():
        if why:
            result[name] = _kept(trained_atlas.families[name], why)
    for name in rescreened:
        if FAMILY_SCREENS[name] in ORIENTATION_SCREENS:
            result[name] = _orientation_family(model, name, trained_atlas.families[name], natural, described,
                                               method, today)
    if any(FAMILY_SCREENS[n] == "facing" for n in rescreened):
        result.update({n: f for n, f in _facing_families(model, trained_atlas, natural, images, labels, described,
                                                          method, today, batch_size).items() if n in rescreened})
    if "polysemantic" in rescreened:
        result["polysemantic"] = _polysemantic_family(trained_atlas.families["polysemantic"], natural, labels,
                                                      described, method, today)
    return Atlas(model.name, result, None, trained_atlas.late_layers)


def _fill_note(what: str, qualified: int, k: int, layer: str, score: str, fill_score: str | None = None) -> str:
    """What provenance.notes says of a chosen family: how many qualified, and how many were filled by score."""
    def count(n: int) -> str:
        return f"{n} {what}" + ("" if n == 1 else "s")

    head = f"{count(qualified)} qualif{'ies' if qualified == 1 else 'y'} at {layer}"
    if qualified >= k:
        return f"{head}; took the {k} best by {score}"
    if qualified == 0:
        return f"{head}; took the {k} best by {fill_score or score}, none qualifying"
    return f"{head}; took all {qualified}, and filled {k - qualified} that do not qualify, next best by " \
           f"{fill_score or score}"


def _orientation_family(model, name, trained: Family, natural, described, method, today) -> Family:
    screen = _screen(name)
    layer, k = trained.layer, len(trained.units)
    measured = screen.measure_layer(model, layer)
    for unit in measured.units:  # every unit's natural drive: see the module docstring
        unit.drive /= max(float(natural.drive[layer][unit.unit]), 1e-6)
    records = {u.unit: u for u in measured.units}
    channels = int(natural.drive[layer].shape[0])

    def key(unit: int):
        record = records.get(unit)
        if record is None:  # silent to every stimulus: no score
            return (False, False, -math.inf, -unit)
        return (record.qualifies, record.passes_stimuli, float(screen.unit_score(record)), -unit)

    ranked = sorted(range(channels), key=key, reverse=True)
    qualifying = {u.unit for u in measured.units if u.qualifies}
    taken = ranked[:k]
    taken.sort(key=lambda u: (u not in records, records[u].preferred_orientation if u in records else 0.0, u))
    notes = _fill_note("unit", len(qualifying), k, layer, _score_name(name),
                       f"passing the stimulus criteria (all but the natural drive), then {_score_name(name)}")
    notes += f" ({sum(u.passes_stimuli for u in measured.units)} of {channels} pass the stimulus criteria)"
    silent = [u for u in taken if u not in records]
    if silent:
        notes += f"; {len(silent)} chosen units silent to every stimulus (no preferred orientation): {silent}"
    provenance = Provenance(
        method=f"{method}: probes.discover {name} screen at {layer} only ({screen.CRITERIA})",
        data=f"synthetic discovery stimuli {screen.DISCOVERY}; natural images: {described}",
        date=today, tool="probes.discover.rescreen", notes=notes)
    return Family(layer, taken, provenance,
                  {u: round(records[u].preferred_orientation, 1) for u in taken if u in records},
                  trained.description)


def _score_name(name: str) -> str:
    return "orientation selectivity" if FAMILY_SCREENS[name] == "edges" else "vector strength"


def _facing_families(model, atlas: Atlas, natural, images, labels, described, method, today,
                     batch_size) -> dict[str, Family]:
    from probes.discover import facing
    from probes.photographs.mirror import mirrored, peak_responses, selectivity
    from probes.photographs.wordnet import DOG

    trained = atlas.families["facing"]
    dog = facing.in_concept(labels, DOG)
    if dog.sum() < 10:
        raise ValueError(f"rescreen: only {int(dog.sum())} dog photographs among {len(labels)}; the facing screen "
                         "needs at least 10")
    union = atlas.families.get("facing_union")
    layers = [trained.layer] + ([union.layer] if union is not None and union.layer != trained.layer else [])
    mirror = peak_responses(model, mirrored(images[torch.as_tensor(dog)]), layers, batch_size=batch_size)
    everything = natural.peaks
    data = f"{facing.DISCOVERY}: {described} ({int(dog.sum())} dog photographs)"

    layer = trained.layer
    pairs_wanted = math.ceil(len(trained.units) / 2)
    photos, mirrors = everything[layer][dog], mirror[layer]
    dog_selectivity = selectivity(everything[layer], dog)
    qualifying = set(facing.facing_pairs(photos, mirrors, dog_selectivity >= facing.DOG_RATIO))
    partners_of, margins = facing.pair_margins(photos, mirrors, dog_selectivity)
    candidates = {}
    for a, b in enumerate(partners_of.tolist()):
        pair = (min(a, b), max(a, b))
        candidates[pair] = float(margins[a])
    ranked = sorted(candidates, key=lambda p: (p in qualifying, candidates[p], -p[0], -p[1]), reverse=True)
    pairs, used = [], set()
    for a, b in ranked:
        if len(pairs) == pairs_wanted:
            break
        if a not in used and b not in used:
            pairs.append((a, b))
            used |= {a, b}
    partners = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    notes = _fill_note("mirror pair", len(qualifying), pairs_wanted, layer,
                       "the pair margin (facing.pair_margins)")
    if len(pairs) < pairs_wanted:
        notes += f"; only {len(pairs)} disjoint pairs to be had"
    families = {"facing": Family(layer, sorted(partners), Provenance(
        method=f"{method}: probes.discover facing screen (mirror pairs) at {layer} only ({facing.CRITERIA})",
        data=data, date=today, tool="probes.discover.rescreen", notes=notes), description=trained.description,
        partners=partners)}

    if union is not None:
        source = np.concatenate([everything[layer][dog], mirror[layer]])
        summed = np.stack([source[:, a] + source[:, b] for a, b in pairs], 1)
        k = len(union.units)
        qualifies, union_margin = facing.union_margins(everything[union.layer][dog], mirror[union.layer],
                                                       selectivity(everything[union.layer], dog), summed)
        ranked = sorted(range(len(qualifies)), key=lambda u: (bool(qualifies[u]), float(union_margin[u]), -u),
                        reverse=True)
        taken = ranked[:k]
        notes = _fill_note("union unit", int(qualifies.sum()), k, union.layer,
                           "the union margin (facing.union_margins), reading the rescreened pairs")
        families["facing_union"] = Family(union.layer, sorted(taken), Provenance(
            method=f"{method}: probes.discover facing screen (union units) at {union.layer} only ({facing.CRITERIA})",
            data=data, date=today, tool="probes.discover.rescreen", notes=notes), description=union.description)
    return families


def _polysemantic_family(trained: Family, natural, labels, described, method, today) -> Family:
    from probes.discover import polysemantic
    from probes.photographs.semantics import class_wnids
    from probes.photographs.wordnet import WordNet

    layer, k = trained.layer, len(trained.units)
    wordnet = WordNet.load()
    scored = polysemantic.unit_concepts(natural.peaks[layer], class_wnids(labels, wordnet), wordnet)
    ranked = sorted(range(len(scored)), key=lambda u: (len(scored[u][0]), scored[u][2], -u), reverse=True)
    qualifying = {u for u, (driving, _, _) in enumerate(scored) if len(driving) >= polysemantic.MIN_CONCEPTS}
    taken = ranked[:k]
    concepts = {}
    for unit in taken:
        driving, others = scored[unit][0], scored[unit][1]
        named = driving if unit in qualifying else (driving + others)[:polysemantic.MIN_CONCEPTS]
        if named:
            concepts[unit] = list(named)
    notes = _fill_note("unit", len(qualifying), k, layer, "the number of driving concepts, then the margin "
                                                          "(polysemantic.unit_concepts)")
    unnamed = k - len(concepts)
    if unnamed:
        notes += f"; {unnamed} chosen units' top photographs cluster into no concept (no concepts named)"
    return Family(layer, sorted(taken), Provenance(
        method=f"{method}: probes.discover polysemantic screen at {layer} only ({polysemantic.CRITERIA})",
        data=f"peak responses of {layer}: {described}", date=today, tool="probes.discover.rescreen", notes=notes),
        description=trained.description, concepts=concepts)

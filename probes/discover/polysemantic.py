"""Discovery screen for polysemantic units: units of a late layer answering two or more unrelated concepts.

On the discovery half of the photographs, at the atlas's `late_layers[0]` (or --layers): a unit's top photographs
cluster into unrelated WordNet concepts (probes.photographs.semantics.top_concepts); the unit joins the family when at
least MIN_CONCEPTS of them each drive it (their photographs' mean peak response at least
probes.photographs.semantics.DRIVE times the unit's mean). The family records those concepts per unit, so a claim can
test them on photographs of other classes.
"""
from __future__ import annotations

from probes.photographs.mirror import peak_responses
from probes.photographs.semantics import DRIVE, class_wnids, drives, top_concepts
from probes.photographs.wordnet import WordNet
from probes.records.atlas import Atlas, Family
from probes.zoo import Model

MIN_CONCEPTS = 2
CRITERIA = (f"at least {MIN_CONCEPTS} unrelated WordNet concepts among a unit's top photographs, each driving it "
            f"x{DRIVE} over its mean")
DISCOVERY = "peak responses of the late layer (the atlas's late_layers[0])"


def polysemantic_units(responses, photo_wnids: list[str | None], wordnet: WordNet) -> dict[int, list[str]]:
    """{unit: its driving unrelated concepts} for the units with at least MIN_CONCEPTS of them."""
    found = {}
    for unit, concepts in enumerate(top_concepts(responses, photo_wnids, wordnet)):
        driving = [c for c in concepts if drives(responses[:, unit], photo_wnids, c, wordnet)]
        if len(driving) >= MIN_CONCEPTS:
            found[unit] = driving
    return found


def find_families(model: Model, images, *, layers: list[str] | None, atlas: Atlas, provenance):
    """({"polysemantic": Family}, notes) on an ImageSet of discovery photographs."""
    if not layers and atlas.late_layers is None:
        raise ValueError(f"the atlas of {model.name} names no late layers; give --layers LAYER or add "
                         f'"late_layers": ["LAYER", "NEXT_LAYER"] to it')
    layer = (layers or atlas.late_layers)[0]
    wordnet = WordNet.load()
    responses = peak_responses(model, images.pixels, layer)[layer]
    found = polysemantic_units(responses, class_wnids(images.labels, wordnet), wordnet)
    notes = [f"{layer}: {len(found)} of {responses.shape[1]} units polysemantic"]
    if not found:
        return {}, notes
    family = Family(layer, sorted(found), provenance("units answering unrelated concepts"), concepts=found,
                    description="units answering two or more unrelated WordNet concepts")
    return {"polysemantic": family}, notes


def unit_concepts(responses, photo_wnids: list[str | None],
                  wordnet: WordNet) -> list[tuple[list[str], list[str], float]]:
    """Per unit (responses (N, C)): (its driving unrelated concepts, as `polysemantic_units` names them; its
    other unrelated concepts, the most driving first; its margin: the MIN_CONCEPTS-th largest ratio of a
    concept's mean response to the unit's mean, over DRIVE, at least 1 for the units `polysemantic_units` names).
    The concepts are those of its top photographs (probes.photographs.semantics.top_concepts)."""
    from probes.photographs.semantics import photos_of

    scored = []
    for unit, concepts in enumerate(top_concepts(responses, photo_wnids, wordnet)):
        column = responses[:, unit]
        mean = float(column.mean())

        def ratio(concept: str) -> float:
            inside = photos_of(concept, photo_wnids, wordnet)
            return float(column[inside].mean()) / mean if inside.any() and mean > 0 else 0.0

        ratios = {c: ratio(c) for c in concepts}
        driving = [c for c in concepts if drives(column, photo_wnids, c, wordnet)]
        others = sorted((c for c in concepts if c not in driving), key=lambda c: -ratios[c])
        ranked = sorted(ratios.values(), reverse=True)
        margin = ranked[MIN_CONCEPTS - 1] / DRIVE if len(ranked) >= MIN_CONCEPTS else 0.0
        scored.append((driving, others, margin))
    return scored

"""Polysemantic neurons by name: each unit of the atlas's "polysemantic" family answers every concept the atlas
names for it, on photographs of classes that did not name them.

Zoom In: "InceptionV1 contains one neuron that responds to cat faces, fronts of cars, and cat legs" (mixed4e:55).
The atlas binds it: inceptionv1 "polysemantic" = mixed4e:55 with WordNet cat (n02121620) and car (n02958343);
NOT RUN here (no weights). On other models the family and its concepts come from
`python -m probes.discover polysemantic` on the discovery half (lite0: 177 of 1152 units of blocks.15.expand).
On the confirmation half (one photograph per class, so other classes than discovery saw):
  a named concept drives a unit when its photographs' mean peak response is at least DRIVE (2) times the unit's
  mean over all confirmation photographs (probes.photographs.semantics.drives); a unit is testable when each of its
  concepts has a confirmation photograph, confirmed when every one of them drives it.
  Random units: RANDOM units of the layer outside the family, each given a family unit's concepts (in turn).
Predictions, fixed before the claim ran on any network:
  fraction of testable units answering all their concepts             >= 0.5
  family fraction minus random units'                                  >= 0.3
Intervals (95%, RESAMPLES bootstrap resamples) resample the confirmation photographs, which every unit shares,
deciding testability and each concept's drive again on each resample (a unit whose concept has no photograph in
a resample is not testable there); the margin also resamples the random units, jointly, when they are a sample of
the layer's other units (not when they are all of them, as in constructed_concepts). With one photograph per
class, a resample varies which classes are present, not the photographs of a class.
Measured before the interval verdicts (2026-11-25), EXPECTED REFUTED on lite0 (blocks.15.expand): 74 of 168
testable units (0.44) answer all their named concepts on the confirmation half, against 0 of 50 random units
given the same concepts (margin 0.44 holds); gaussian null 0 of 168; constructed_concepts 3 of 3 (sensitive). So
the polysemy found on one half carries over to new classes for fewer than half of lite0's units: a finding about
how reliable one-photograph-per-class polysemy is, which --images with more photographs per class would sharpen.
"""
import numpy as np
import pytest
import torch

from probes.measures.baselines import is_sample, other_units, random_units
from probes.photographs.mirror import peak_responses
from probes.photographs.semantics import drives, drives_each, has_photographs_of, photos_of
from probes.records.figures import image_grid
from zoom_in_claims import claim
from zoom_in_claims.data import require_family

SOURCE = "Zoom In, 'polysemantic neurons' (InceptionV1 mixed4e:55: cat faces, fronts of cars, cat legs)"
POSITIVE = "constructed_concepts"
MIN_IMAGES = 200
RANDOM = 50
SHOWN, PER_CONCEPT = 6, 4  # units drawn in the report, photographs per concept
RESAMPLES = 200

FRACTION = "fraction of testable units answering all their concepts"
MARGIN = "family fraction minus random units'"



def percentiles(values: np.ndarray) -> list[tuple[float, float] | None]:
    """Per column of (resamples, statistics): its 95% percentile interval, None if undefined on any resample."""
    return [(float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))) if np.isfinite(v).all() else None
            for v in np.atleast_2d(values.T)]


@claim("polysemantic.named_units", "Each named polysemantic unit answers every unrelated concept the atlas names "
       "for it, on photographs of other classes, far more often than random units answer those concepts.",
       source=SOURCE, kind="dataset examples", positive=POSITIVE, min_images=MIN_IMAGES, expect="refuted",
       near_miss="constructed_concepts_monosemantic",
       predictions={FRACTION: ">= 0.5", MARGIN: ">= 0.3"}, resample="units and photographs")
def test_named_units_answer_their_concepts(model, images, atlas, concept_responses, evidence, figures):
    family = require_family(atlas, "polysemantic")
    half = concept_responses.half("confirmation")
    wnids, wordnet = [concept_responses.wnids[i] for i in half], concept_responses.wordnet
    if family.layer in concept_responses.responses:
        responses = concept_responses.responses[family.layer][half]
    else:
        responses = peak_responses(model, images.pixels[half], family.layer)[family.layer]

    def confirmed(pairs) -> np.ndarray:
        return np.array([all(drives(responses[:, unit], wnids, c, wordnet) for c in concepts)
                         for unit, concepts in pairs])

    named = [(unit, family.concepts[unit]) for unit in family.units if unit in family.concepts]
    testable = [(unit, concepts) for unit, concepts in named if has_photographs_of(concepts, wnids, wordnet)]
    if not testable:
        pytest.skip(f"none of the {len(named)} named units' concepts all have confirmation photographs among "
                    f"{len(half)}; point --images at more classes")
    others = other_units(responses.shape[1], family.units)
    chosen = random_units(others, RANDOM)
    family_ok = confirmed(testable)
    random_ok = confirmed([(int(u), testable[k % len(testable)][1]) for k, u in enumerate(chosen)])

    # Every (unit, concept) pair, family units first: what each resample of the photographs decides again.
    assigned = [*testable, *[(int(u), testable[k % len(testable)][1]) for k, u in enumerate(chosen)]]
    distinct = sorted({c for _, named_concepts in assigned for c in named_concepts})
    shows = np.stack([photos_of(c, wnids, wordnet) for c in distinct], 1)  # (photographs, concepts)
    owner = np.array([k for k, (_, named_concepts) in enumerate(assigned) for _ in named_concepts], dtype=int)
    pair_responses = responses[:, [unit for unit, named_concepts in assigned for _ in named_concepts]]
    pair_shows = shows[:, [distinct.index(c) for _, named_concepts in assigned for c in named_concepts]]
    sampled = len(chosen) if is_sample(chosen, others) else None  # all other units: nothing to resample

    def fractions(idx, picked=None) -> tuple[float, float, float]:
        inside = pair_shows[idx]
        missed = np.bincount(owner, weights=~drives_each(pair_responses[idx], inside) * 1.0,
                             minlength=len(assigned)) > 0
        untestable = np.bincount(owner, weights=~inside.any(0) * 1.0, minlength=len(assigned)) > 0
        ok, testable_now = ~missed[:len(testable)], ~untestable[:len(testable)]
        family_fraction = ok[testable_now].mean() if testable_now.any() else np.nan
        ok, testable_now = ~missed[len(testable):], ~untestable[len(testable):]
        if picked is not None:
            ok, testable_now = ok[picked], testable_now[picked]
        random_fraction = ok[testable_now].mean() if testable_now.any() else np.nan
        return family_fraction, random_fraction, family_fraction - random_fraction

    rng = np.random.default_rng(0)
    draws = np.array([fractions(rng.integers(0, len(half), len(half)),
                                rng.integers(0, len(chosen), len(chosen)) if sampled else None)
                      for _ in range(RESAMPLES)])
    family_ci, random_ci, margin_ci = percentiles(draws)
    undefined = "no unit testable on {} of " + f"{RESAMPLES} resamples of the photographs"

    evidence.record("family units with named concepts", len(named))
    evidence.record("testable on the confirmation half", len(testable), n=len(half))
    fraction = family_ok.mean()
    if family_ci is None:
        evidence.inconclusive(FRACTION, undefined.format(int(np.isnan(draws[:, 0]).sum())))
    else:
        evidence.measure(FRACTION, fraction, ci=family_ci, n=len(half))
    if not len(random_ok):
        evidence.inconclusive(MARGIN, "the layer has no unit outside the family to draw")
    elif margin_ci is None:
        evidence.inconclusive(MARGIN, undefined.format(int(np.isnan(draws[:, 2]).sum())))
    else:
        evidence.record("fraction of random units answering the same concepts", random_ok.mean(), ci=random_ci,
                        n=len(random_ok))
        evidence.measure(MARGIN, fraction - random_ok.mean(), ci=margin_ci, n=len(half))

    for (unit, concepts), answered in list(zip(testable, family_ok))[:SHOWN]:  # lambdas: drawn only for a report
        shown, titles = [], []
        for concept in concepts:
            inside = np.flatnonzero(photos_of(concept, wnids, wordnet))
            strongest = inside[np.argsort(-responses[inside, unit])][:PER_CONCEPT]
            shown += [half[i] for i in strongest] + [None] * (PER_CONCEPT - len(strongest))  # None: a blank panel
            titles += [f"{wordnet.name(concept)}: {responses[i, unit]:.2g}" for i in strongest] \
                + [""] * (PER_CONCEPT - len(strongest))
        figures.add(f"unit {unit}'s concepts on the confirmation half", lambda shown=shown, titles=titles: image_grid(
            [images.take(i) if i is not None else torch.ones_like(images.take(0)) for i in shown],
            titles=titles, columns=PER_CONCEPT),
            caption=f"one row per named concept: its strongest confirmation photographs and the unit's peak response "
                    f"(unit mean {responses[:, unit].mean():.2g}); {'confirmed' if answered else 'not confirmed'}",
            units=f"{family.layer}:{unit}")

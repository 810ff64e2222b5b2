"""Polysemantic neurons by name: each unit of the atlas's "polysemantic" family answers every concept the atlas
names for it, on photographs of classes that did not name them.

Zoom In: "InceptionV1 contains one neuron that responds to cat faces, fronts of cars, and cat legs" (mixed4e:55).
The atlas binds it: inceptionv1 "polysemantic" = mixed4e:55 with WordNet cat (n02121620) and car (n02958343);
NOT RUN here (no weights). On other models the family and its concepts come from
`python -m probes.discover polysemantic` on the discovery half (lite0: 177 of 1152 units of blocks.15.expand).
On the confirmation half (one photograph per class, so other classes than discovery saw):
  a named concept drives a unit when its photographs' mean peak response is at least DRIVE (2) times the unit's
  mean over all confirmation photographs (probes.semantics.drives); a unit is testable when each of its concepts
  has a confirmation photograph, confirmed when every one of them drives it.
  Random units: RANDOM units of the layer outside the family, each given a family unit's concepts (in turn).
Predictions, fixed before the claim ran on any network:
  fraction of testable family units confirmed                          >= 0.5
  family fraction minus random units' fraction                          >= 0.3
Measured (2026-11-25), EXPECTED REFUTED on lite0 (blocks.15.expand): 74 of 168 testable units (0.44
[0.37, 0.52]) answer all their named concepts on the confirmation half, against 0 of 50 random units given the
same concepts (margin 0.44 holds); gaussian null 0 of 168; constructed_concepts 3 of 3 (sensitive). So the
polysemy found on one half carries over to new classes for fewer than half of lite0's units: a finding about
how reliable one-photograph-per-class polysemy is, which --images with more photographs per class would sharpen.
"""
import numpy as np
import pytest
import torch

from fixtures import claim
from fixtures.data import require_family
from probes.evidence import wilson_ci
from probes.figures import image_grid
from probes.mirror import peak_responses
from probes.semantics import drives, has_photographs_of, photos_of

SOURCE = "Zoom In, 'polysemantic neurons' (InceptionV1 mixed4e:55: cat faces, fronts of cars, cat legs)"
POSITIVE = "constructed_concepts"
MIN_IMAGES = 200
RANDOM = 50
SHOWN, PER_CONCEPT = 6, 4  # units drawn in the report, photographs per concept


@claim("polysemantic.named_units", "Each named polysemantic unit answers every unrelated concept the atlas names "
       "for it, on photographs of other classes, far more often than random units answer those concepts.",
       source=SOURCE, kind="dataset examples", positive=POSITIVE, min_images=MIN_IMAGES, expect="refuted")
def test_named_units_answer_their_concepts(model, images, atlas, concept_responses, evidence, figures):
    family = require_family(atlas, "polysemantic")
    half = concept_responses.half("confirmation")
    wnids, wordnet = [concept_responses.wnids[i] for i in half], concept_responses.wordnet
    if family.layer in concept_responses.responses:
        responses = concept_responses.responses[family.layer][half]
    else:
        responses = peak_responses(model, images.images[half], family.layer)[family.layer]

    def confirmed(pairs) -> np.ndarray:
        return np.array([all(drives(responses[:, unit], wnids, c, wordnet) for c in concepts)
                         for unit, concepts in pairs])

    named = [(unit, family.concepts[unit]) for unit in family.units if unit in family.concepts]
    testable = [(unit, concepts) for unit, concepts in named if has_photographs_of(concepts, wnids, wordnet)]
    if not testable:
        pytest.skip(f"none of the {len(named)} named units' concepts all have confirmation photographs among "
                    f"{len(half)}; point --images at more classes")
    others = np.setdiff1d(np.arange(responses.shape[1]), family.units)
    chosen = np.random.default_rng(0).choice(others, size=min(RANDOM, len(others)), replace=False)
    family_ok = confirmed(testable)
    random_ok = confirmed([(int(u), testable[k % len(testable)][1]) for k, u in enumerate(chosen)])

    evidence.record("family units with named concepts", len(named))
    evidence.record("testable on the confirmation half", len(testable), n=len(half))
    fraction = family_ok.mean()
    evidence.at_least("fraction of testable units answering all their concepts", fraction, 0.5,
                      ci=wilson_ci(int(family_ok.sum()), len(family_ok)), n=len(family_ok))
    baseline = random_ok.mean() if len(random_ok) else 0.0
    evidence.record("fraction of random units answering the same concepts", baseline,
                    ci=wilson_ci(int(random_ok.sum()), len(random_ok)), n=len(random_ok))
    evidence.at_least("family fraction minus random units'", fraction - baseline, 0.3, n=len(random_ok))

    for (unit, concepts), answered in list(zip(testable, family_ok))[:SHOWN]:  # lambdas: drawn only for a report
        shown, titles = [], []
        for concept in concepts:
            inside = np.flatnonzero(photos_of(concept, wnids, wordnet))
            strongest = inside[np.argsort(-responses[inside, unit])][:PER_CONCEPT]
            shown += [half[i] for i in strongest] + [None] * (PER_CONCEPT - len(strongest))  # None: a blank panel
            titles += [f"{wordnet.name(concept)}: {responses[i, unit]:.2g}" for i in strongest] \
                + [""] * (PER_CONCEPT - len(strongest))
        figures.add(f"unit {unit}'s concepts on the confirmation half", lambda shown=shown, titles=titles: image_grid(
            [images.images[i] if i is not None else torch.ones_like(images.images[0]) for i in shown],
            titles=titles, columns=PER_CONCEPT),
            caption=f"one row per named concept: its strongest confirmation photographs and the unit's peak response "
                    f"(unit mean {responses[:, unit].mean():.2g}); {'confirmed' if answered else 'not confirmed'}",
            units=f"{family.layer}:{unit}")

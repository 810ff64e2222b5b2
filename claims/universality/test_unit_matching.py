"""Universality, matching units: each curve unit of the reference network has a counterpart in the other
network, a curve unit at a nearby orientation, found without being told where to look.

Matching (Li et al. 2016, "Convergent Learning"; probes/universality.py): every unit of a family's layer gets a
response profile, its centre responses to the confirmation curves (72 orientations, 2 radii, rendered at its
own receptive field) and its largest response on each confirmation photograph (the same photographs in both
networks), each part standardised. Each reference family unit's best match is the unit of the other network's
family layer whose profile correlates most with it, over all units of that layer.
Predictions, fixed on the controls before the real networks were compared:
  hit rate     the best match is a family unit of the other network (its atlas, discovered independently)
               whose preferred orientation is within 45 degrees, for at least half of the reference's units
  above chance the hit rate exceeds, by at least 0.3, the rate at which 100 random units of the reference's
               layer find any family unit as their best match
Null twin (the other network with random weights): refuted. Positive control: constructed_curves_twin against
constructed_curves (the same circuit, units in another order): every unit finds its twin.
"""
import numpy as np

from fixtures import claim
from probes.evidence import wilson_ci
from probes.tuning import circular_distance
from probes.universality import best_matches

WITHIN, RANDOM = 45.0, 100


@claim("universality.unit_matching", "Each curve unit of one network best matches, by response correlation on "
       "shared photographs and stimuli, a curve unit of another network at a nearby orientation, far more often "
       "than random units match curve units.", source="Zoom In, Claim 3 (universality); Li et al. 2016",
       kind="universality", positive="constructed_curves_twin", min_images=20)
def test_curve_units_have_counterparts(compared, evidence):
    reference, other = compared
    matches = best_matches(reference.profiles, other.profiles, reference.family.units)
    family = set(other.family.units)
    hits = [int(b) in family and circular_distance(reference.preferred[a], other.preferred[int(b)]) <= WITHIN
            for a, b in zip(matches.units, matches.best)]
    candidates = [u for u in range(reference.profiles.shape[1]) if u not in reference.family.units]
    drawn = np.random.default_rng(0).choice(candidates, size=min(RANDOM, len(candidates)), replace=False)
    random_hits = [int(b) in family for b in best_matches(reference.profiles, other.profiles, drawn).best]
    rate, chance = float(np.mean(hits)), float(np.mean(random_hits))
    evidence.record("median correlation with the best match", float(np.median(matches.correlation)))
    evidence.record("random units whose best match is a family unit", chance,
                    ci=wilson_ci(sum(random_hits), len(random_hits)), n=len(random_hits))
    evidence.at_least("fraction of family units matched to a family unit within 45 degrees", rate, 0.5,
                      ci=wilson_ci(sum(hits), len(hits)), n=len(hits))
    evidence.at_least("hit rate minus random units' rate", rate - chance, 0.3, n=len(hits))

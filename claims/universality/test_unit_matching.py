"""Universality, matching units: each curve unit of the reference network has a counterpart in the other
network, a curve unit at a nearby orientation, found without being told where to look.

Matching (Li et al. 2016, "Convergent Learning"; probes/measures/universality.py): every unit of a family's layer gets a
response profile, its centre responses to the confirmation curves (72 orientations, 2 radii, rendered at its
own receptive field) and its largest response on each confirmation photograph (the same photographs in both
networks), each part standardised. Each reference family unit's best match is the unit of the other network's
family layer whose profile correlates most with it, over all units of that layer.
Predictions, fixed on the controls before the real networks were compared:
  fraction of family units matched to a family unit within 45 degrees   >= 0.5
      the best match is a family unit of the other network (its atlas, discovered independently) whose preferred
      orientation is within 45 degrees
  hit rate minus random units' rate                                     >= 0.3
      the rate at which RANDOM = 100 random units of the reference's layer find any family unit as their best match
Intervals resample units: the reference's family units for the hit rate; for the difference, the family units and
the random units, each sample with replacement on its own. (The units share photographs and stimuli, so each is a
cluster; no Wilson interval.)
Null twin (the other network with random weights): refuted. Positive control: constructed_curves_twin against
constructed_curves (the same circuit, units in another order): every unit finds its twin.
"""
import numpy as np

from probes.measures.baselines import other_units, random_units
from probes.measures.tuning import circular_distance
from probes.measures.universality import best_matches
from probes.records.evidence import bootstrap_ci
from probes.records.figures import scatter
from zoom_in_claims import claim

WITHIN, RANDOM, RESAMPLES = 45.0, 100, 2000


def difference_interval(hits: np.ndarray, random_hits: np.ndarray, *, resamples: int = RESAMPLES,
                        seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of mean(hits) - mean(random_hits), each sample resampled on its own."""
    generator = np.random.default_rng(seed)
    differences = [generator.choice(hits, len(hits)).mean() - generator.choice(random_hits, len(random_hits)).mean()
                   for _ in range(resamples)]
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


@claim("universality.unit_matching", "Each curve unit of one network best matches, by response correlation on "
       "shared photographs and stimuli, a curve unit of another network at a nearby orientation, far more often "
       "than random units match curve units.", source="Zoom In, Claim 3 (universality); Li et al. 2016",
       kind="universality", positive="constructed_curves_twin",
       near_miss="constructed_curves_twin_straightened", min_images=20,
       predictions={"fraction of family units matched to a family unit within 45 degrees": ">= 0.5",
                    "hit rate minus random units' rate": ">= 0.3"},
       resample="units")
def test_curve_units_have_counterparts(compared, evidence, figures):
    reference, other = compared
    if not reference.family.units:
        for name in ("fraction of family units matched to a family unit within 45 degrees",
                     "hit rate minus random units' rate"):
            evidence.inconclusive(name, "the reference's family has no units")
        return
    matches = best_matches(reference.profiles, other.profiles, reference.family.units)
    family = set(other.family.units)
    hits = np.array([int(b) in family and circular_distance(reference.preferred[a], other.preferred[int(b)]) <= WITHIN
                     for a, b in zip(matches.units, matches.best)], dtype=float)
    matched = [(a, int(b), bool(h)) for a, b, h in zip(matches.units, matches.best, hits) if int(b) in family]
    figures.add("orientations of the matches", lambda: scatter(  # a lambda: drawn only when a report is written
        {f"within {WITHIN:.0f}°": ([reference.preferred[a] for a, _, h in matched if h],
                                   [other.preferred[b] for _, b, h in matched if h]),
         "further": ([reference.preferred[a] for a, _, h in matched if not h],
                     [other.preferred[b] for _, b, h in matched if not h])}, identity=True,
        xlabel="reference unit's preferred orientation (°)", ylabel="its match's preferred orientation (°)",
        title=f"best matches in {other.family.layer}"),
        caption=f"Each reference family unit whose best match is a family unit of this network: their preferred "
                f"orientations ({len(hits) - len(matched)} of {len(hits)} matched a unit outside the family, not "
                f"shown). The claim: at least half within {WITHIN:.0f}°.",
        units=[f"{other.family.layer}:{b}" for b in dict.fromkeys(b for _, b, _ in matched)])
    evidence.record("median correlation with the best match", float(np.median(matches.correlation)),
                    n=len(matches.correlation))
    evidence.measure("fraction of family units matched to a family unit within 45 degrees", float(hits.mean()),
                     ci=bootstrap_ci(hits, np.mean), n=len(hits))
    candidates = other_units(reference.profiles.shape[1], reference.family.units)
    if not candidates:
        evidence.inconclusive("hit rate minus random units' rate", "every unit of the reference's layer is in its "
                              "family: no random units to compare with")
        return
    drawn = random_units(candidates, RANDOM)
    random_hits = np.array([int(b) in family for b in best_matches(reference.profiles, other.profiles, drawn).best],
                           dtype=float)
    evidence.record("random units whose best match is a family unit", float(random_hits.mean()),
                    ci=bootstrap_ci(random_hits, np.mean), n=len(random_hits))
    evidence.measure("hit rate minus random units' rate", float(hits.mean() - random_hits.mean()),
                     ci=difference_interval(hits, random_hits), n=len(hits))

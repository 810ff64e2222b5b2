"""Universality, whole layers: the curve families' layers of two networks represent the photographs alike,
more than either resembles a network with the same architecture and random weights.

Linear CKA (Kornblith et al. 2019; probes/universality.py) between the two layers' responses, averaged over
positions, on the confirmation photographs: invariant to any rotation and scaling of the units, so it needs no
matching. The baseline: the same measure between the reference and a null twin of the other network (random
weights, seed 1: another draw than --controls' twin).
Prediction, fixed on the controls before the real networks were compared: CKA(reference, other) minus
CKA(reference, other's null twin) >= 0.05, with its bootstrap interval over photographs reported.
Null twin (the other network replaced by its null twin): refuted (two random draws are alike). Positive
control: constructed_curves_twin against constructed_curves (CKA 1, the same layer in another order).
"""
import numpy as np

from fixtures import claim
from fixtures.data import activations_for
from fixtures.universality import profiles_for
from probes.null_model import null_twin
from probes.universality import linear_cka

MARGIN, RESAMPLES = 0.05, 200


@claim("universality.representation_similarity", "The curve families' layers of two networks are more similar "
       "(linear CKA on photographs) than the reference is to a random-weight twin of the other network.",
       source="Zoom In, Claim 3 (universality); Kornblith et al. 2019", kind="universality",
       positive="constructed_curves_twin", min_images=20)
def test_family_layers_are_similar(model, atlas, compared, evidence, request):
    reference, other = compared
    random_twin = null_twin(model, seed=1)
    baseline = profiles_for(request.config, random_twin, atlas, activations_for(request.config, random_twin))
    x, y, z = (p.pooled.double() for p in (reference, other, baseline))
    generator = np.random.default_rng(0)
    differences = []
    for _ in range(RESAMPLES):
        rows = generator.integers(0, len(x), len(x))
        differences.append(linear_cka(x[rows], y[rows]) - linear_cka(x[rows], z[rows]))
    similar, random_similar = linear_cka(x, y), linear_cka(x, z)
    evidence.record("CKA(reference, other)", similar, n=len(x))
    evidence.record("CKA(reference, other's random twin)", random_similar, n=len(x))
    evidence.at_least("CKA advantage over the random twin", similar - random_similar, MARGIN,
                      ci=tuple(np.percentile(differences, [2.5, 97.5])), n=len(x))

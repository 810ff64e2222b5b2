"""<Family>, <argument>: one sentence saying what is claimed, as the paper says it.

Copy this file to claims/<family>/test_<argument>.py (files named TEMPLATE.py are not collected).
State here, BEFORE running it, the prediction and its threshold, and which data it confirms on (never the
stimuli or images the family was discovered with). When the honest result is a refutation, keep the claim,
add expect="refuted" and write the measured numbers here.
"""
import numpy as np

from fixtures import claim
from fixtures.data import require_family
from probes.evidence import bootstrap_ci

THRESHOLD = 2.0  # fixed before looking at the data


@claim("family.argument",                         # id: <family>.<argument>, the ledger groups by <family>
       "The claim in one sentence.",
       source="Zoom In, Claim 1, argument N",      # paper and section
       kind="synthetic stimuli",                  # see fixtures/claims.py KINDS
       models=None,                               # or ("inceptionv1",) when it is about specific units
       positive="constructed_curves")             # the constructed network where it holds by construction
def test_the_prediction(model, atlas, evidence):
    family = require_family(atlas, "curves")     # NOT RUN when this model's atlas lacks the family
    per_unit = np.ones(len(family.units))        # measure something per unit with probes/ instruments
    evidence.at_least("median <quantity>", np.median(per_unit), THRESHOLD,
                      ci=bootstrap_ci(per_unit, np.median), n=len(per_unit))

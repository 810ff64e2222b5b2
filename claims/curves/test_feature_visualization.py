"""Curves, argument 1 (feature visualization): optimising an image to excite a family unit produces a curve at
the unit's preferred orientation, and a stimulus stronger than any natural image.

All family units are visualised in one batched optimisation (probes/featurevis: Fourier parameterisation with
decorrelated colour, robustness transforms; canvas = the units' receptive-field canvas, 256 steps, lr 0.01,
seed 0; these settings were fixed after viewing three settings on lite0's family, before this claim ran).
Images are saved (PNG with metadata, plus a contact sheet) under <ledger dir>/featurevis, or out/featurevis.

Predictions:
  orientation    the handwritten curve detector (independent of the network) reads each visualisation's curve
                 orientation; at least 50% of units are within 45 degrees of their pre-registered orientation
                 (chance: 25%)
  superstimulus  (recorded) each visualisation's centre pre-activation over the unit's largest pre-activation at
                 any position of any natural image

Measured on EfficientNet-Lite0, borderline: REFUTED with 3 of 7 units (43% [16, 75]) within 45 degrees, null
twin 14%; after batch norm was folded into the convolutions (same function, other float rounding) the
optimisation took another path and 4 of 7 (57% [25, 84]) came within 45 degrees, which the ledger reports as
NEWS. The interval straddles the threshold either way: the visualisations show curved strokes (see the contact
sheet) but several in the opposing orientation or as swirls. Kept as an expected refutation until a larger,
pre-registered sample (several seeds per unit) settles it. The visualisations do drive their units past every
natural image (median ratio about 1.2).
"""
import re
from pathlib import Path

import numpy as np
import pytest
from torchvision.utils import save_image

from fixtures import claim
from probes.evidence import wilson_ci
from probes.featurevis import render, unit
from probes.featurevis.save import save
from probes.handwritten import HandwrittenCurveDetector
from probes.tuning import circular_distance

STEPS, LR, SEED = 256, 0.01, 0
WITHIN = 45.0


@pytest.fixture(scope="module")
def visualisations(model, curve_family, family_field, request):
    result = render(model, [unit(curve_family.layer, u) for u in curve_family.units], size=family_field.canvas,
                    steps=STEPS, lr=LR, seed=SEED)
    safe_id = re.sub(r"[^A-Za-z0-9_.-]+", "_", model.id)
    directory = Path(request.config.getoption("ledger") or "out") / "featurevis" / safe_id
    save(result, directory)
    save_image(result.images, directory / "contact_sheet.png", nrow=len(curve_family.units), padding=2)
    return result


@claim("curves.feature_visualization", "The feature visualization of each curve unit shows a curve at the unit's "
       "preferred orientation.", source="Zoom In, Claim 1, argument 1 (feature visualization)",
       kind="feature visualization", expect="refuted")
def test_visualisations_show_preferred_curves(curve_family, preferred, family_field, visualisations, activations, evidence):
    detector = HandwrittenCurveDetector(family_field.canvas, orientations=72)
    read = detector.preferred_orientation(visualisations.images).numpy()
    errors = [float(circular_distance(angle, preferred[u]))
              for u, angle in zip(curve_family.units, read)]
    natural = activations(curve_family.layer, pre_activation=True)[curve_family.layer][:, curve_family.units]
    natural_max = natural.amax(dim=(0, 2, 3)).numpy()
    evidence.record("median superstimulus ratio (visualisation / best natural position)",
                    float(np.median(visualisations.values.numpy() / np.maximum(natural_max, 1e-9))),
                    n=len(errors))
    evidence.record("median orientation error (degrees)", float(np.median(errors)), n=len(errors))
    hits = sum(error <= WITHIN for error in errors)
    evidence.at_least(f"fraction of units whose visualisation is within {WITHIN:.0f} degrees", hits / len(errors),
                      0.5, ci=wilson_ci(hits, len(errors)), n=len(errors))

"""Curves, argument 2 (dataset examples): the natural-image crops that drive a family unit hardest contain
curves at the unit's preferred orientation.

Photographs: the confirmation half of the image set (odd positions; discovery used the even ones), read in one
streaming pass (probes/photographs/streaming.py: bounded memory, so --images can name a 50,000-photograph folder). For
each unit, the receptive-field crop around its strongest position in each image; its top 8 crops (one per image)
are compared with 200 random crops of the same images. The instrument is independent of the network: the
handwritten curve detector (probes/circuits/handwritten.py), whose response at the unit's preferred orientation,
relative to its mean over all orientations, scores a crop's curve content there.
Prediction: the top crops score higher than random crops, median over units of the common-language effect size
(probability that a top crop outscores a random one) >= 0.65; the interval resamples the units.
"""
import numpy as np
import torch

from probes.circuits.handwritten import HandwrittenCurveDetector
from probes.measures.tuning import circular_distance
from probes.photographs.images import split_positions
from probes.photographs.streaming import random_crops, top_examples
from probes.records.evidence import bootstrap_ci
from probes.records.figures import image_grid
from zoom_in_claims import claim

TOP = 8
RANDOM = 200
EFFECT = "median P(top crop outscores random crop)"


def orientation_score(detector, images: torch.Tensor, orientation: float) -> np.ndarray:
    responses = detector(images).numpy()
    channel = int(np.argmin(circular_distance(detector.orientations.numpy(), orientation)))
    return responses[:, channel] / (responses.mean(1) + 1e-9)


@claim("curves.dataset_examples", "A unit's top natural-image crops contain curves at its preferred orientation, "
       "more than random crops, as judged by an instrument independent of the unit.",
       source="Zoom In, Claim 1, argument 2 (dataset examples)", kind="dataset examples", positive="constructed_curves",
       near_miss="constructed_curves_radial",
       min_images=2 * TOP, predictions={EFFECT: ">= 0.65"}, resample="units")
def test_top_crops_contain_preferred_curves(model, curve_family, preferred, family_field, image_paths, evidence,
                                            figures):
    confirmation = [image_paths[i] for i in split_positions(len(image_paths), "confirmation")]
    top = top_examples(model, confirmation, curve_family.layer, k=TOP, units=curve_family.units)
    detector = HandwrittenCurveDetector(family_field.canvas, orientations=72)
    random = random_crops(confirmation, model.preprocessing, top.layer_hw, family_field.canvas, RANDOM,
                          torch.Generator().manual_seed(0))
    effect_sizes = []
    for unit in curve_family.units:
        top_crops = top.crops(unit, model.preprocessing, family_field.canvas)
        orientation = preferred[unit]
        top_scores = orientation_score(detector, top_crops, orientation)
        random_scores = orientation_score(detector, random, orientation)
        effect_sizes.append(float((top_scores[:, None] > random_scores[None, :]).mean()))
        figures.add(f"top crops of unit {unit}", lambda crops=top_crops, scores=top_scores:
                    image_grid(crops, columns=TOP, titles=[f"{s:.2f}" for s in scores.tolist()]),
                    caption=f"Top {TOP} confirmation crops (one per photograph); above each, the handwritten curve "
                            f"detector's score at the unit's orientation {orientation:.0f}° (1: no preference). "
                            f"P(top crop outscores a random crop) = {effect_sizes[-1]:.2f}",
                    units=f"{curve_family.layer}:{unit}")  # a lambda: drawn only when a report is written
    evidence.record("photographs streamed", top.count)
    evidence.measure(EFFECT, np.median(effect_sizes), ci=bootstrap_ci(effect_sizes, np.median), n=len(effect_sizes))

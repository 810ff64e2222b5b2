"""Curves, argument 2 (dataset examples): the natural-image crops that drive a family unit hardest contain
curves at the unit's preferred orientation.

Photographs: the confirmation half of the image set (odd positions; discovery used the even ones). For each
unit, the receptive-field crop around its strongest position in each image; its top 8 crops (one per image)
are compared with 200 random crops of the same images. The instrument is independent of the network: the
handwritten curve detector (probes/handwritten.py), whose response at the unit's preferred orientation,
relative to its mean over all orientations, scores a crop's curve content there.
Prediction: the top crops score higher than random crops, common-language effect size (probability that a
top crop outscores a random one) >= 0.65.
"""
import numpy as np
import torch

from fixtures import claim
from probes.evidence import bootstrap_ci
from probes.handwritten import HandwrittenCurveDetector
from probes.images import crops
from probes.tuning import circular_distance

TOP = 8
RANDOM = 200


def orientation_score(detector, images: torch.Tensor, orientation: float) -> np.ndarray:
    responses = detector(images).numpy()
    channel = int(np.argmin(circular_distance(detector.orientations.numpy(), orientation)))
    return responses[:, channel] / (responses.mean(1) + 1e-9)


@claim("curves.dataset_examples", "A unit's top natural-image crops contain curves at its preferred orientation, "
       "more than random crops, as judged by an instrument independent of the unit.",
       source="Zoom In, Claim 1, argument 2 (dataset examples)", kind="dataset examples", positive="constructed_curves",
       min_images=2 * TOP)
def test_top_crops_contain_preferred_curves(curve_family, preferred, family_field, images, activations, evidence):
    confirmation = torch.arange(1, len(images), 2)
    layer_acts = activations(curve_family.layer)[curve_family.layer][confirmation]
    height, width = layer_acts.shape[-2:]
    detector = HandwrittenCurveDetector(family_field.canvas, orientations=72)
    generator = torch.Generator().manual_seed(0)
    random_images = confirmation[torch.randint(len(confirmation), (RANDOM,), generator=generator)]
    random_rows = torch.randint(height, (RANDOM,), generator=generator)
    random_cols = torch.randint(width, (RANDOM,), generator=generator)
    random_crops = crops(images.images, random_images, random_rows, random_cols, (height, width), family_field.canvas)
    effect_sizes = []
    for unit in curve_family.units:
        maps = layer_acts[:, unit].flatten(1)
        best_value, best_position = maps.max(1)
        top = best_value.topk(TOP).indices
        rows, cols = best_position[top] // width, best_position[top] % width
        top_crops = crops(images.images, confirmation[top], rows, cols, (height, width), family_field.canvas)
        orientation = preferred[unit]
        top_scores = orientation_score(detector, top_crops, orientation)
        random_scores = orientation_score(detector, random_crops, orientation)
        effect_sizes.append(float((top_scores[:, None] > random_scores[None, :]).mean()))
    evidence.at_least("median P(top crop outscores random crop)", np.median(effect_sizes), 0.65,
                      ci=bootstrap_ci(effect_sizes, np.median), n=len(effect_sizes))

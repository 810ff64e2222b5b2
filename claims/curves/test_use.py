"""Curves, argument 6 (use): the units downstream that read the family most strongly prefer curved shapes,
and depend on the family for it.

Downstream layer: the first later layer at twice the family's stride, with its own activation and a different
width (for lite0, blocks.6.expand). Its readers are the 5 units whose positive expanded weights come most from
the family (share of all their positive inflow from the family layer). Predictions:
  circle/square   median over readers of response to circle outlines / to square outlines of the same size >= 1.25
  ablation        zeroing the family lowers the readers' response to circles at least twice as much as
                  zeroing as many random units of the family's layer (mean over 20 random draws)

Measured on EfficientNet-Lite0: REFUTED at the first prediction, circle/square ratio 1.04 [0, 9.8] (n=5 readers
in blocks.6.expand), so the ablation was not reached. The units reading lite0's family most are not
circle detectors. Kept as a known negative result.
"""
import numpy as np
import torch

from claims.curves.conftest import CONFIRMATION
from fixtures import claim
from probes.capture import capture
from probes.circuits import ablated, expanded_weights
from probes.evidence import bootstrap_ci
from probes.receptive_field import receptive_field
from probes.stimuli.sets import outlines
from probes.tuning import centre_responses

READERS = 5
RANDOM_DRAWS = 20


def downstream_layer(model, family_layer: str) -> str:
    names = list(model.layers)
    family = receptive_field(model, family_layer)
    from probes.capture import layer_shapes

    shapes = layer_shapes(model)
    for name in names[names.index(family_layer) + 1:]:
        layer = model.layers[name]
        if (len(shapes[name]) == 3 and receptive_field(model, name).stride >= 2 * family.stride
                and layer.activation is not None and shapes[name][0] != shapes[family_layer][0]):
            return name
    raise LookupError(f"no downstream layer after {family_layer}")


@claim("curves.use", "The downstream units that read the curve family most strongly prefer circles to squares, and "
       "ablating the family lowers their response to circles more than ablating random units.",
       source="Zoom In, Claim 1, argument 6 (feature use)", kind="use", expect="refuted")
def test_readers_prefer_curved_shapes(model, curve_family, evidence):
    downstream = downstream_layer(model, curve_family.layer)
    field = receptive_field(model, downstream)
    channels = capture(model, torch.zeros(1, 3, field.canvas, field.canvas), downstream, center=True)[downstream].shape[1]
    weights = expanded_weights(model, curve_family.layer, downstream, range(channels), size=field.canvas)
    positive = weights.clamp(min=0).sum((-2, -1))  # (downstream, family layer)
    share = positive[:, curve_family.units].sum(1) / positive.sum(1).clamp_min(1e-12)
    readers = share.topk(READERS).indices.tolist()
    evidence.record(f"readers in {downstream}", float(len(readers)))

    n = 2
    radii = torch.tensor([0.2, 0.3]) * field.size
    widths = torch.full((n,), max(1.0, CONFIRMATION["width_fraction"] * field.size))
    style = dict(foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
    circles = outlines(field.canvas, "circle", radii, widths, **style)
    squares = outlines(field.canvas, "square", radii, widths, **style)
    def reader_response(images):
        return centre_responses(model, downstream, images, background=CONFIRMATION["background"],
                                units=readers).mean(0)

    circle, square = reader_response(circles), reader_response(squares)
    ratios = np.where(square > 0, circle / np.maximum(square, 1e-12), np.where(circle > 0, 100.0, 0.0))
    evidence.at_least("median circle/square response ratio of readers", float(np.median(ratios)), 1.25,
                      ci=bootstrap_ci(ratios, np.median), n=READERS)

    intact = circle.mean()
    with ablated(model, curve_family.layer, curve_family.units):
        family_drop = intact - reader_response(circles).mean()
    others = [u for u in range(positive.shape[1]) if u not in curve_family.units]
    generator = torch.Generator().manual_seed(0)
    random_drops = []
    for _ in range(RANDOM_DRAWS):
        chosen = [others[i] for i in torch.randperm(len(others), generator=generator)[:len(curve_family.units)]]
        with ablated(model, curve_family.layer, chosen):
            random_drops.append(intact - reader_response(circles).mean())
    evidence.record("readers' circle response drop, family ablated", float(family_drop))
    evidence.at_least("family ablation drop / mean random ablation drop",
                      float(family_drop / max(np.mean(random_drops), 1e-12)), 2.0,
                      ci=bootstrap_ci([family_drop / max(d, 1e-12) for d in random_drops], np.median),
                      n=RANDOM_DRAWS)

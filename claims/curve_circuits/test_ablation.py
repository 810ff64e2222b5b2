"""Curve circuits, ablation: the units downstream that read the curve family need it for circles, not for squares.

Readers: the units of the downstream layer (probes.circuits.downstream_layer; for lite0 blocks.6.expand) with the
largest positive expanded weight from the family, as in `curves.use`. Stimuli: circle and square outlines of the
same sizes (0.2 and 0.3 of the readers' field), confirmation colours. Ablation: the family's units output zero
(probes.circuits.ablated); control: as many random units of the family's layer, 20 draws.
Predictions, fixed on constructed_curves (circle readers of a planted curve family, square readers of its line
units) and the null twin before lite0 ran:
  circles     the readers' mean response to circles drops at least twice as much when the family is ablated as
              when random units are (mean over the draws)
  squares     the family ablation takes a smaller share of the readers' response to squares than to circles
"""
import numpy as np
import torch

from fixtures import claim
from probes.capture import capture
from probes.circuits import ablated, downstream_layer, expanded_weights, family_readers
from probes.protocol import CONFIRMATION
from probes.receptive_field import receptive_field
from probes.stimuli.sets import outlines
from probes.tuning import centre_responses

DRAWS = 20


@claim("curve_circuits.ablation", "Ablating the curve family lowers its readers' response to circles at least twice "
       "as much as ablating random units, and takes a smaller share of their response to squares.",
       source="Zoom In, Claim 2 (circuits); Curve Circuits", kind="circuit", positive="constructed_curves")
def test_family_ablation_hits_circles_not_squares(model, curve_family, evidence):
    downstream = downstream_layer(model, curve_family.layer)
    field = receptive_field(model, downstream)
    canvas = torch.zeros(1, 3, field.canvas, field.canvas)
    channels = capture(model, canvas, downstream, center=True)[downstream].shape[1]
    readers = family_readers(expanded_weights(model, curve_family.layer, downstream, range(channels),
                                              size=field.canvas), curve_family.units)
    radii = torch.tensor([0.2, 0.3]) * field.size
    widths = torch.full((2,), max(1.0, CONFIRMATION["width_fraction"] * field.size))
    colours = dict(foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
    shapes = torch.cat([outlines(field.canvas, "circle", radii, widths, **colours),
                        outlines(field.canvas, "square", radii, widths, **colours)])

    def response() -> np.ndarray:  # (circle, square) mean reader response
        out = centre_responses(model, downstream, shapes, background=CONFIRMATION["background"], units=readers)
        return np.array([out[:2].mean(), out[2:].mean()])

    intact = response()
    with ablated(model, curve_family.layer, curve_family.units):
        family_drop = intact - response()
    others = [u for u in range(channels_of(model, curve_family.layer)) if u not in curve_family.units]
    generator = torch.Generator().manual_seed(0)
    random_drops = []
    for _ in range(DRAWS):
        chosen = [others[i] for i in torch.randperm(len(others), generator=generator)[:len(curve_family.units)]]
        with ablated(model, curve_family.layer, chosen):
            random_drops.append(intact - response())
    random_circle = float(np.mean([d[0] for d in random_drops]))
    evidence.record(f"readers in {downstream}", len(readers))
    evidence.record("circle response drop, family ablated", float(family_drop[0]))
    evidence.record("circle response drop, random ablation (mean)", random_circle, n=DRAWS)
    evidence.at_least("circle drop, family / random ablation", ratio(family_drop[0], random_circle), 2.0, n=DRAWS)
    shares = [ratio(drop, whole) for drop, whole in zip(family_drop, intact)]
    evidence.record("share of the circle response the family carries", shares[0])
    evidence.at_least("share carried for circles minus for squares", shares[0] - shares[1], 0.0)


def ratio(numerator: float, denominator: float, cap: float = 100.0) -> float:
    if denominator <= 0:
        return cap if numerator > 0 else 0.0
    return float(min(numerator / denominator, cap))


def channels_of(model, layer: str) -> int:
    size = receptive_field(model, layer).canvas
    return capture(model, torch.zeros(1, 3, size, size), layer, center=True)[layer].shape[1]

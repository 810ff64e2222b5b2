"""Superposition: a concept pure in one unit of layer L is, in layer L+1, linearly decodable from the units yet
carried by none alone, and the units that carry most of it are mostly selective for other concepts.

Zoom In: InceptionV1's 4c car feature is spread by the next layer over units that mostly detect dogs
("superposition"). The concept here: motor vehicles (WordNet n03791235, 22 ImageNet classes; 16 photographs in
the confirmation half of the shared sample). Layers: the atlas's late_layers (lite: blocks.15.expand -> head).
Purity: the fraction of a unit's top 10 photographs that show the concept.
Predictions, fixed before the claim ran on any network:
  pure in L          the L unit purest on the discovery half has purity >= 0.6 on the confirmation half
  decodable in L+1   a logistic readout of all L+1 units (probes/decoding.py), fitted on the discovery half,
                     reaches AUC >= 0.9 on the confirmation half, and >= 0.2 above the 95th percentile of the
                     same procedure on shuffled labels (20; probes.decoding.shuffled_auc). First run: the shuffled
                     readouts were judged on the TRUE test labels, and the positive control failed (0.031): a
                     random readout scores a tight concept far from 0.5 either way. Fixed in the instrument,
                     thresholds unchanged.
  alone in none      the L+1 unit purest on the discovery half has purity <= 0.5 on the confirmation half
  spread             of the readout's 5 largest positive weights, the fraction of units with purity < 0.5 (selective
                     for something else) on the confirmation half >= 0.6
Measured (2026-11-25), HOLDS on lite0: blocks.15.expand:320 purity 0.6 (at the floor, n=16 vehicles); head
readout AUC 0.929, 0.279 above shuffled; purest head unit 0.0; readout's top 5 all selective for other things.
Null: no pure unit (0.1). constructed_concepts: holds (sensitive). Rests on 16 vehicle photographs: run it with
--images an ImageNet validation folder to sharpen it.
"""
import numpy as np

from fixtures import claim
from probes.decoding import LogisticReadout, auc, shuffled_auc
from probes.evidence import wilson_ci
from probes.semantics import purity
from probes.wordnet import MOTOR_VEHICLE

SOURCE = "Zoom In, 'superposition' (InceptionV1 mixed4c car feature spread over mixed4d)"
POSITIVE = "constructed_concepts"
PURE = 0.6


@claim("superposition.cars", "Motor vehicles, pure in a unit of layer L, are decodable from layer L+1 but carried "
       "by no single unit there, mostly by units selective for other concepts.", source=SOURCE, kind="decoding",
       positive=POSITIVE, min_images=200)
def test_cars_are_superposed_in_the_next_layer(concept_responses, late_layers, evidence):
    vehicle = concept_responses.in_concept(MOTOR_VEHICLE)
    discovery, confirmation = concept_responses.half("discovery"), concept_responses.half("confirmation")
    layer, following = (concept_responses.responses[name] for name in late_layers)

    def purity_on_confirmation(responses, unit) -> float:
        return float(purity(responses[confirmation][:, [unit]], vehicle[confirmation])[0])

    pure_unit = int(purity(layer[discovery], vehicle[discovery]).argmax())
    evidence.at_least(f"purity of {late_layers[0]}:{pure_unit}", purity_on_confirmation(layer, pure_unit), PURE,
                      n=int(vehicle[confirmation].sum()))

    readout = LogisticReadout().fit(following[discovery], vehicle[discovery])
    decoded = auc(readout.score(following[confirmation]), vehicle[confirmation])
    noise = np.quantile(shuffled_auc(following[discovery], vehicle[discovery], following[confirmation],
                                     vehicle[confirmation]), 0.95)
    evidence.at_least("readout AUC on the confirmation half", decoded, 0.9, n=len(confirmation))
    evidence.at_least("AUC above shuffled labels' 95th percentile", decoded - noise, 0.2, n=20)

    best_single = int(purity(following[discovery], vehicle[discovery]).argmax())
    evidence.at_most(f"purity of the purest {late_layers[1]} unit ({best_single})",
                     purity_on_confirmation(following, best_single), 0.5, n=int(vehicle[confirmation].sum()))

    carriers = np.argsort(-readout.weights)[:5]
    other = np.array([purity_on_confirmation(following, int(u)) < 0.5 for u in carriers])
    evidence.at_least("fraction of the readout's top units selective for other things", other.mean(), 0.6,
                      ci=wilson_ci(int(other.sum()), len(other)), n=len(other))

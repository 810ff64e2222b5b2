"""`constructed_concepts`: concept units, polysemantic units and a concept in superposition, with hand-set weights
on top of a trained classifier: the positive control of the polysemantic and superposition claims.

A concept such as "dog" cannot be hand-set from pixels, so the planted layers read the class probabilities of
EfficientNet-Lite0 (its real weights; the softmax over its 1000 logits) and group them by the WordNet hierarchy
(probes/wordnet.py). What the claims test is planted in those two layers, by construction:

  concepts   1x1, from the 1000 class probabilities
             units 0-7   PURE: the summed probability of one concept's classes (dog, bird, motor vehicle, insect,
                         primate, musical instrument, snake, fish)
             units 8-10  POLYSEMANTIC: two unrelated concepts summed (dog + musical instrument, primate + fish,
                         insect + snake)
  mixed      1x1, from the concept units
             units 0-6   each non-vehicle concept plus half the motor-vehicle unit: vehicles are SUPERPOSED, spread
                         over units that each answer another concept most, linearly decodable from all of them,
                         carried by none alone

Ground truth (the planted atlas): "polysemantic" = concepts:8-10 among concepts:0-10, each with its two
concepts' WordNet ids; "superposed" = the
motor-vehicle concept, pure in concepts:2, spread over mixed:0-6.
"""
from __future__ import annotations

import torch
from torch import nn

from probes.atlas import Atlas, Family, Provenance
from probes.constructed import PLANTED
from probes.models.zoo import ImageModel, Layer, Model, ZooEntry, register
from probes.wordnet import DOG, MOTOR_VEHICLE, WordNet

NAME = "constructed_concepts"
CONCEPTS = {"dog": DOG, "bird": "n01503061", "motor vehicle": MOTOR_VEHICLE, "insect": "n02159955",
            "primate": "n02469914", "musical instrument": "n03800933", "snake": "n01726692", "fish": "n02512053"}
POLYSEMANTIC = [("dog", "musical instrument"), ("primate", "fish"), ("insect", "snake")]
VEHICLE = list(CONCEPTS).index("motor vehicle")
SPREAD = 0.5


def _membership() -> torch.Tensor:
    """(concepts, 1000): 1 where the class lies below the concept."""
    wordnet = WordNet.load()
    wnids = sorted(wordnet.classes)
    return torch.tensor([[float(wordnet.is_a(w, concept)) for w in wnids] for concept in CONCEPTS.values()])


class ConstructedConcepts(nn.Module):
    def __init__(self, classifier: nn.Module):
        super().__init__()
        self.classifier = classifier
        names = list(CONCEPTS)
        member = _membership()
        rows = list(member) + [member[names.index(a)] + member[names.index(b)] for a, b in POLYSEMANTIC]
        self.concepts = nn.Conv2d(1000, len(rows), 1, bias=False)
        self.concepts_act = nn.ReLU()
        others = [k for k in range(len(names)) if k != VEHICLE]
        self.mixed = nn.Conv2d(len(rows), len(others), 1, bias=False)
        self.mixed_act = nn.ReLU()
        with torch.no_grad():
            self.concepts.weight.copy_(torch.stack(rows)[:, :, None, None])
            self.mixed.weight.zero_()
            for unit, concept in enumerate(others):
                self.mixed.weight[unit, concept] = 1.0
                self.mixed.weight[unit, VEHICLE] = SPREAD

    def forward(self, x):
        probabilities = self.classifier(x).softmax(1)[:, :, None, None]
        x = self.concepts_act(self.concepts(probabilities))
        return self.mixed_act(self.mixed(x)).flatten(1)


def planted_atlas() -> Atlas:
    provenance = Provenance(method="planted by construction (probes/constructed/concepts.py)",
                            data="none: hand-set weights over EfficientNet-Lite0's class probabilities",
                            date="2026-11-25", tool="probes.constructed")
    pure = len(CONCEPTS)
    return Atlas(NAME, {
        "polysemantic": Family("concepts", list(range(pure, pure + len(POLYSEMANTIC))), provenance,
                               description="two unrelated concepts each: "
                                           + ", ".join(" + ".join(pair) for pair in POLYSEMANTIC),
                               concepts={pure + k: [CONCEPTS[a], CONCEPTS[b]] for k, (a, b) in enumerate(POLYSEMANTIC)}),
        "superposed": Family("mixed", list(range(pure - 1)), provenance,
                             description="motor vehicles, pure in concepts:2, spread over these units"),
    }, late_layers=("concepts", "mixed"))


def load(pretrained: bool = True) -> Model:
    from probes.models.zoo import load_model

    base = load_model("efficientnet_lite0")
    network = ConstructedConcepts(base.module.network).eval()
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("concepts", "mixed")}
    return Model(name=NAME, module=ImageModel(network, base.preprocessing), preprocessing=base.preprocessing,
                 layers=layers, labels=[],
                 weights=f"hand-set readouts (probes/constructed/concepts.py) over {base.weights}")


PLANTED[NAME] = planted_atlas()
register(ZooEntry(name=NAME, summary="positive control: hand-set concept, polysemantic and superposed units over "
                                     "EfficientNet-Lite0's class probabilities",
                  load=load, weights_status=lambda: "hand-set over efficientnet_lite0's weights"))

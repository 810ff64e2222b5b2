"""`constructed_concepts`: concept units, polysemantic units and a concept in superposition, with hand-set weights
on top of a trained classifier: the positive control of the polysemantic and superposition claims.

A concept such as "dog" cannot be hand-set from pixels, so the planted layers read the class probabilities of
EfficientNet-Lite0 (its real weights; the softmax over its 1000 logits, in the standard ImageNet class order) and
sum them over hand-typed lists of ImageNet class indices, one list per concept. The lists were typed from the
ImageNet class list, not computed from WordNet: the judges (probes.photographs.wordnet, probes.photographs.semantics)
decide which photographs show a concept from the WordNet hierarchy, and nothing of theirs is imported or copied here, so
the two definitions of a concept agree only as far as two people's would (our "motor vehicle" includes the motor
scooter, which WordNet files elsewhere, and leaves out the amphibian and the snowplow). Each pure concept is one
that nobody would call two things: road motor vehicles without the buses (public transport, far from cars in
WordNet), bony fish without the sharks and rays (as far from a goldfish as a snake is), so a pure unit is pure
to any judge and only the units planted polysemantic answer two unrelated concepts:

  dog                 151-268   (Chihuahua ... Mexican hairless: the domestic dog breeds)
  bird                7-24, 80-100, 127-146   (cock ... great grey owl, black grouse ... black swan,
                                               white stork ... albatross)
  motor vehicle       407 ambulance, 436 beach wagon, 468 cab, 511 convertible, 555 fire engine, 569 garbage
                      truck, 573 go-kart, 575 golfcart, 609 jeep, 627 limousine, 656 minivan, 661 Model T, 665
                      moped, 670 motor scooter, 675 moving van, 717 pickup, 734 police van, 751 racer, 817 sports
                      car, 864 tow truck, 867 trailer truck
  insect              300-326   (tiger beetle ... lycaenid butterfly)
  primate             365-384   (orangutan ... indri)
  musical instrument  401 accordion, 402 acoustic guitar, 420 banjo, 432 bassoon, 486 cello, 494 chime, 513
                      cornet, 541 drum, 546 electric guitar, 558 flute, 566 French horn, 577 gong, 579 grand
                      piano, 593 harmonica, 594 harp, 641 maraca, 642 marimba, 683 oboe, 684 ocarina, 687 organ,
                      699 panpipe, 776 sax, 822 steel drum, 875 trombone, 881 upright piano, 889 violin
  snake               52-68     (thunder snake ... sidewinder)
  fish                0-1, 389-397   (tench, goldfish, barracouta ... puffer: bony fish)

What the claims test is planted in two layers, by construction:

  concepts   1x1, from the 1000 class probabilities
             units 0-7   PURE: the summed probability of one concept's classes (the order of the list above)
             units 8-10  POLYSEMANTIC: two unrelated concepts summed (dog + musical instrument, primate + fish,
                         insect + snake)
  mixed      1x1, from the concept units
             units 0-6   one per non-vehicle concept (dog, bird, insect, primate, musical instrument, snake,
                         fish); units 0, 1, 2 and 4 (dog, bird, insect, musical instrument) also read half the
                         motor-vehicle unit: vehicles are SUPERPOSED, spread over units that each answer another
                         concept most, linearly decodable from all of them, carried by none alone. The carriers
                         are the concepts with many classes (118, 59, 27 and 26), as the paper's car feature is
                         spread over units that mostly detect dogs: a unit whose own concept is rare (fish, 11
                         classes) would hold vehicles among its strongest photographs and carry them nearly alone.

Ground truth (the planted atlas): "polysemantic" = concepts:8-10 among concepts:0-10, each named with its two
concepts' WordNet ids (the atlas's vocabulary: typed here as data, the ids of the synsets our lists mean);
"superposed" = the motor-vehicle concept, pure in concepts:2, spread over mixed:0-6 (read by 0, 1, 2, 4). The near
misses (probes/constructed/concepts_near_misses.py) are this network with one thing planted wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from probes.activations.store import Shared
from probes.constructed import register_control
from probes.records.atlas import Atlas, Family, Provenance
from probes.zoo import ImageModel, Layer, Model

NAME = "constructed_concepts"
CLASSES = 1000


def _span(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


# concept -> its ImageNet class indices, typed by hand (the list in the docstring)
CLASS_INDICES: dict[str, list[int]] = {
    "dog": _span(151, 268),
    "bird": _span(7, 24) + _span(80, 100) + _span(127, 146),
    "motor vehicle": [407, 436, 468, 511, 555, 569, 573, 575, 609, 627, 656, 661, 665, 670, 675, 717, 734, 751, 817,
                      864, 867],
    "insect": _span(300, 326),
    "primate": _span(365, 384),
    "musical instrument": [401, 402, 420, 432, 486, 494, 513, 541, 546, 558, 566, 577, 579, 593, 594, 641, 642, 683,
                           684, 687, 699, 776, 822, 875, 881, 889],
    "snake": _span(52, 68),
    "fish": _span(0, 1) + _span(389, 397),
}
# concept -> the WordNet id the atlas names it by (data: the atlas's vocabulary, not used to build anything)
CONCEPTS: dict[str, str] = {"dog": "n02084071", "bird": "n01503061", "motor vehicle": "n03791235",
                            "insect": "n02159955", "primate": "n02469914", "musical instrument": "n03800933",
                            "snake": "n01726692", "fish": "n02512053"}
POLYSEMANTIC = (("dog", "musical instrument"), ("primate", "fish"), ("insect", "snake"))
VEHICLE = "motor vehicle"
CARRIERS = ("dog", "bird", "insect", "musical instrument")  # the concepts whose units also read the vehicles
SPREAD = 0.5


@dataclass(frozen=True)
class Wiring:
    """What the network plants. The positive control uses the defaults; each near miss changes exactly one field.

    polysemantic: the concepts each of units 8-10 sums (two unrelated ones in the positive control).
    vehicles_spread: True: half the vehicle unit goes into the mixed units of the CARRIERS (superposed); False:
    mixed:0-6 read their own concept only and one more unit, mixed:7, carries the vehicles alone.
    """

    polysemantic: tuple[tuple[str, ...], ...] = POLYSEMANTIC
    vehicles_spread: bool = True


def membership(concept: str) -> torch.Tensor:
    """(1000,): 1 at the concept's class indices."""
    row = torch.zeros(CLASSES)
    row[CLASS_INDICES[concept]] = 1.0
    return row


class ConstructedConcepts(nn.Module):
    def __init__(self, classifier: nn.Module, wiring: Wiring = Wiring()):
        super().__init__()
        self.classifier = classifier
        names = list(CONCEPTS)
        rows = [membership(c) for c in names] + [sum(membership(c) for c in group) for group in wiring.polysemantic]
        others = [k for k, c in enumerate(names) if c != VEHICLE]
        vehicle = names.index(VEHICLE)
        self.concepts = nn.Conv2d(CLASSES, len(rows), 1, bias=False)
        self.concepts_act = nn.ReLU()
        self.mixed = nn.Conv2d(len(rows), len(others) + (0 if wiring.vehicles_spread else 1), 1, bias=False)
        self.mixed_act = nn.ReLU()
        with torch.no_grad():
            self.concepts.weight.copy_(torch.stack(rows)[:, :, None, None])
            self.mixed.weight.zero_()
            for unit, concept in enumerate(others):
                self.mixed.weight[unit, concept] = 1.0
                if wiring.vehicles_spread and names[concept] in CARRIERS:
                    self.mixed.weight[unit, vehicle] = SPREAD
            if not wiring.vehicles_spread:
                self.mixed.weight[len(others), vehicle] = 1.0

    def forward(self, x):
        probabilities = self.classifier(x).softmax(1)[:, :, None, None]
        x = self.concepts_act(self.concepts(probabilities))
        return self.mixed_act(self.mixed(x)).flatten(1)


def planted_atlas(name: str = NAME, where: str = "probes/constructed/concepts.py") -> Atlas:
    """The ground truth: what the positive control plants, and what each near miss CLAIMS to plant (its atlas is
    the same, so a claim reads the same units and finds them wrong)."""
    provenance = Provenance(method=f"planted by construction ({where})",
                            data="none: hand-set weights over EfficientNet-Lite0's class probabilities",
                            date="2026-11-30", tool="probes.constructed")
    pure = len(CONCEPTS)
    return Atlas(name, {
        "polysemantic": Family("concepts", list(range(pure, pure + len(POLYSEMANTIC))), provenance,
                               description="two unrelated concepts each: "
                                           + ", ".join(" + ".join(pair) for pair in POLYSEMANTIC),
                               concepts={pure + k: [CONCEPTS[a], CONCEPTS[b]]
                                         for k, (a, b) in enumerate(POLYSEMANTIC)}),
        "superposed": Family("mixed", list(range(pure - 1)), provenance,
                             description="motor vehicles, pure in concepts:2, spread over these units"),
    }, late_layers=("concepts", "mixed"))


def build(name: str, wiring: Wiring, where: str) -> Model:
    from probes.models.efficientnet_lite import load as load_lite  # not the catalogue: it imports this module

    base = load_lite("efficientnet_lite0", True)
    # the positive control and its near misses read the same probabilities: computed once per batch between them
    network = ConstructedConcepts(Shared(base.module.network, "class logits"), wiring).eval()
    layers = {layer: Layer(layer, getattr(network, layer), getattr(network, f"{layer}_act"))
              for layer in ("concepts", "mixed")}
    return Model(name=name, module=ImageModel(network, base.preprocessing), preprocessing=base.preprocessing,
                 layers=layers, labels=[], weights=f"hand-set readouts ({where}) over {base.weights}")


def load(pretrained: bool = True) -> Model:
    return build(NAME, Wiring(), "probes/constructed/concepts.py")


register_control(NAME, "positive control: hand-set concept, polysemantic and superposed units over "
                       "EfficientNet-Lite0's class probabilities", load, planted_atlas(),
                 weights="hand-set over efficientnet_lite0's weights")


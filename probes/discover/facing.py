"""Discovery screen for "unioning over cases": facing units with mirror partners, and the union units after them.

On the dog photographs (WordNet: below n02084071) of the discovery half and their mirror images:
  facing pair   two units of one layer, dog-selective (mean peak response on dog photographs at least DOG_RATIO
                times that on the other discovery photographs), each facing-selective (facing index at least
                FACING_MIN), one the other's best mirror partner (probes.mirror.best_partners) with a mirror
                correlation of at least PARTNER_MIN and an advantage over their plain correlation of at least
                ADVANTAGE_MIN. The layer with the most pairs holds the family.
  union unit    in the next UNION_LAYERS layers after it: dog-selective, facing index at most UNION_FACING_MAX,
                and its response to photographs and mirrors correlates at least UNION_CORRELATION with the summed
                response of some pair. Chosen by responses only, so the claims can test the weights.
"""
from __future__ import annotations

import numpy as np
import torch

from probes.mirror import (best_partners, correlation_matrix, facing_index, mirror_correlation, mirrored,
                           partner_advantage, peak_responses, selectivity)
from probes.atlas import Family
from probes.models.zoo import Model
from probes.semantics import class_wnids, photos_of
from probes.wordnet import DOG, WordNet

DOG_RATIO = 1.5
FACING_MIN = 0.3
PARTNER_MIN = 0.5
ADVANTAGE_MIN = 0.3
UNION_FACING_MAX = 0.15
UNION_CORRELATION = 0.5
UNION_LAYERS = 4
MIN_STRIDE = 16  # dog heads are late features: layers at a quarter of InceptionV1's mixed4 stride or coarser
CRITERIA = (f"dog-selective x{DOG_RATIO}, facing index >= {FACING_MIN}, mirror partners (one the other's best) with correlation "
            f">= {PARTNER_MIN} and advantage >= {ADVANTAGE_MIN}; union: facing index <= {UNION_FACING_MAX}, "
            f"correlation with a pair >= {UNION_CORRELATION}, within {UNION_LAYERS} layers after")
DISCOVERY = "dog photographs (WordNet n02084071) and their mirror images"


def in_concept(labels: torch.Tensor, concept: str, wordnet: WordNet | None = None) -> np.ndarray:
    """(N,) bool: which photographs' classes fall below `concept` in WordNet (ImageNet's sorted-wnid labels)."""
    wordnet = wordnet or WordNet.load()
    return photos_of(concept, class_wnids(labels, wordnet), wordnet)


def late_layers(model: Model) -> list[str]:
    """Layers with an activation whose stride is at least MIN_STRIDE, in forward order."""
    from probes.capture import layer_shapes

    shapes = layer_shapes(model)
    return [name for name, shape in shapes.items()
            if len(shape) == 3 and model.layer(name).activation is not None
            and model.input_size / shape[-1] >= MIN_STRIDE]


def facing_pairs(responses: np.ndarray, mirror_responses: np.ndarray, dog_selective: np.ndarray) -> list[tuple[int, int]]:
    index = facing_index(responses, mirror_responses)
    partners = best_partners(responses, mirror_responses)
    correlation = mirror_correlation(responses, mirror_responses)
    advantage = partner_advantage(responses, mirror_responses)
    pairs = []
    for a in range(responses.shape[1]):
        b = int(partners[a])
        if (min(a, b), max(a, b)) not in pairs and all(dog_selective[[a, b]]) and min(index[a], index[b]) >= FACING_MIN \
                and min(correlation[a, b], correlation[b, a]) >= PARTNER_MIN \
                and min(advantage[a, b], advantage[b, a]) >= ADVANTAGE_MIN:
            pairs.append((min(a, b), max(a, b)))
    return pairs


def discover(model: Model, images, *, layers: list[str] | None = None):
    """(facing layer, pairs, union layer, union units, per-layer notes) on an ImageSet of discovery photographs."""
    dog = in_concept(images.labels, DOG)
    if dog.sum() < 10:
        raise ValueError(f"only {int(dog.sum())} dog photographs among {len(images)}; need at least 10")
    layers = layers or late_layers(model)
    everything = peak_responses(model, images.images, layers)
    mirror = peak_responses(model, mirrored(images.images[torch.as_tensor(dog)]), layers)
    notes, best = [], (None, [])
    for layer in layers:
        dog_selective = selectivity(everything[layer], dog) >= DOG_RATIO
        pairs = facing_pairs(everything[layer][dog], mirror[layer], dog_selective)
        notes.append(f"{layer}: {len(pairs)} pairs")
        if len(pairs) > len(best[1]):
            best = (layer, pairs)
    facing_layer, pairs = best
    if facing_layer is None:
        return None, [], None, [], notes
    union_layer, union_units = None, []
    source = np.concatenate([everything[facing_layer][dog], mirror[facing_layer]])
    summed = np.stack([source[:, a] + source[:, b] for a, b in pairs], 1)  # each pair's response, both facings
    for layer in layers[layers.index(facing_layer) + 1:][:UNION_LAYERS]:
        response = np.concatenate([everything[layer][dog], mirror[layer]])
        reads_pair = correlation_matrix(response, summed).max(1) >= UNION_CORRELATION
        candidates = (selectivity(everything[layer], dog) >= DOG_RATIO) & reads_pair \
            & (facing_index(everything[layer][dog], mirror[layer]) <= UNION_FACING_MAX)
        notes.append(f"{layer}: {int(candidates.sum())} union units")
        if candidates.any():
            union_layer, union_units = layer, np.flatnonzero(candidates).tolist()
            break
    return facing_layer, pairs, union_layer, union_units, notes


def find_families(model: Model, images, *, layers: list[str] | None, atlas, provenance):
    """({"facing": mirror pairs, "facing_union": union units}, notes), the shape probes.discover writes."""
    facing_layer, pairs, union_layer, union_units, notes = discover(model, images, layers=layers)
    if not pairs:
        return {}, notes
    partners = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    families = {"facing": Family(facing_layer, sorted(partners), provenance("mirror pairs"), partners=partners,
                                 description="facing units and mirror partners")}
    if union_units:
        families["facing_union"] = Family(union_layer, union_units, provenance("union units"),
                                          description="dog-selective units answering both facings")
    return families, notes


def pair_margins(responses: np.ndarray, mirror_responses: np.ndarray,
                 dog_selectivity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(partners (C,), margins (C,)): for each unit a, its best mirror partner b (as `facing_pairs` pairs them) and
    how far the pair clears the pair criteria: the smallest of each criterion's value over its threshold (dog
    selectivity / DOG_RATIO and facing index / FACING_MIN of both units, mirror correlation / PARTNER_MIN and
    advantage / ADVANTAGE_MIN both ways), at least 1 when every criterion holds. `facing_pairs` decides which pairs
    qualify; this ranks pairs, qualifying or not. `responses` are the dog photographs', `dog_selectivity` (C,)
    is probes.mirror.selectivity over all the photographs."""
    index = facing_index(responses, mirror_responses)
    partners = best_partners(responses, mirror_responses)
    correlation = mirror_correlation(responses, mirror_responses)
    advantage = partner_advantage(responses, mirror_responses)
    a = np.arange(responses.shape[1])
    b = partners
    with np.errstate(invalid="ignore"):
        margins = np.stack([dog_selectivity[a] / DOG_RATIO, dog_selectivity[b] / DOG_RATIO,
                            index[a] / FACING_MIN, index[b] / FACING_MIN,
                            correlation[a, b] / PARTNER_MIN, correlation[b, a] / PARTNER_MIN,
                            advantage[a, b] / ADVANTAGE_MIN, advantage[b, a] / ADVANTAGE_MIN]).min(0)
    return partners, np.nan_to_num(margins, nan=-np.inf)


def union_margins(responses: np.ndarray, mirror_responses: np.ndarray, dog_selectivity: np.ndarray,
                  summed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(qualifies (C,), margins (C,)) of a layer's units as union units: `discover`'s union criterion, and the
    smallest of dog selectivity / DOG_RATIO, best correlation with a pair's summed response / UNION_CORRELATION
    and UNION_FACING_MAX / facing index (at least 1 when the criterion holds). `responses` and `mirror_responses`
    are the dog photographs' and their mirrors', `summed` (2 x dogs, pairs) each pair's summed response to both."""
    reads = correlation_matrix(np.concatenate([responses, mirror_responses]), summed).max(1)
    index = facing_index(responses, mirror_responses)
    qualifies = (dog_selectivity >= DOG_RATIO) & (reads >= UNION_CORRELATION) & (index <= UNION_FACING_MAX)
    with np.errstate(divide="ignore", invalid="ignore"):
        margins = np.stack([dog_selectivity / DOG_RATIO, reads / UNION_CORRELATION,
                            UNION_FACING_MAX / np.maximum(index, 1e-12)]).min(0)
    return qualifies, np.nan_to_num(margins, nan=-np.inf)

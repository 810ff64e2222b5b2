"""Discovery screen for "unioning over cases": facing units with mirror partners, and the union units after them.

On the dog photographs (WordNet: below n02084071) of the discovery half and their mirror images:
  facing pair   two units of one layer, dog-selective (mean peak response on dog photographs at least DOG_RATIO
                times that on the other discovery photographs), each facing-selective (facing index at least
                FACING_MIN), one the other's best mirror partner (probes.photographs.mirror.best_partners) with a mirror
                correlation of at least PARTNER_MIN and an advantage over their plain correlation of at least
                ADVANTAGE_MIN. Every layer that can hold a pair is screened, whatever its stride (an activation
                and at least two units, `candidate_layers`): dog heads are late features in InceptionV1, but a
                network whose late layers are at stride 4 holds them there. The layer with the most pairs holds
                the family; when none holds one, the notes say, for every layer considered, which criterion
                left it without a pair, with the numbers (`why_no_pair`).
  union unit    in the next UNION_LAYERS layers after it: dog-selective, facing index at most UNION_FACING_MAX,
                and its response to photographs and mirrors correlates at least UNION_CORRELATION with the summed
                response of some pair. Chosen by responses only, so the claims can test the weights.
"""
from __future__ import annotations

import numpy as np
import torch

from probes.photographs.mirror import (best_partners, correlation_matrix, facing_index, mirror_correlation, mirrored,
                           partner_advantage, peak_responses, selectivity)
from probes.photographs.semantics import class_wnids, photos_of
from probes.photographs.wordnet import DOG, WordNet
from probes.records.atlas import Family
from probes.zoo import Model

DOG_RATIO = 1.5
FACING_MIN = 0.3
PARTNER_MIN = 0.5
ADVANTAGE_MIN = 0.3
UNION_FACING_MAX = 0.15
UNION_CORRELATION = 0.5
UNION_LAYERS = 4
CRITERIA = (f"dog-selective x{DOG_RATIO}, facing index >= {FACING_MIN}, "
            "mirror partners (one the other's best) with correlation "
            f">= {PARTNER_MIN} and advantage >= {ADVANTAGE_MIN}; union: facing index <= {UNION_FACING_MAX}, "
            f"correlation with a pair >= {UNION_CORRELATION}, within {UNION_LAYERS} layers after")
DISCOVERY = "dog photographs (WordNet n02084071) and their mirror images"


class NoCandidateLayers(ValueError):
    """No layer of the model can hold a facing pair; the message lists every layer and why."""


def in_concept(labels: torch.Tensor, concept: str, wordnet: WordNet | None = None) -> np.ndarray:
    """(N,) bool: which photographs' classes fall below `concept` in WordNet (ImageNet's sorted-wnid labels)."""
    wordnet = wordnet or WordNet.load()
    return photos_of(concept, class_wnids(labels, wordnet), wordnet)


def candidate_layers(model: Model) -> tuple[list[str], list[str]]:
    """(layers that can hold a facing pair or a union unit, in forward order; why each other layer cannot).
    Whatever its stride: a layer can when it has an activation (peak responses are read after it) and units
    (C,) or maps (C, H, W); a pair needs two units, which `discover` checks. Which layer holds the family is
    decided by what the screen measures, not by depth."""
    from probes.activations.capture import layer_shapes

    shapes = layer_shapes(model)
    held, rejected = [], []
    for name, shape in shapes.items():
        if model.layer(name).activation is None:
            rejected.append(f"{name}: no activation to read")
        elif len(shape) not in (1, 3):
            rejected.append(f"{name}: output of shape {tuple(shape)}, neither units (C,) nor maps (C, H, W)")
        else:
            held.append(name)
    return held, rejected


def facing_pairs(responses: np.ndarray, mirror_responses: np.ndarray,
                 dog_selective: np.ndarray) -> list[tuple[int, int]]:
    index = facing_index(responses, mirror_responses)
    partners = best_partners(responses, mirror_responses)
    correlation = mirror_correlation(responses, mirror_responses)
    advantage = partner_advantage(responses, mirror_responses)
    pairs = []
    for a in range(responses.shape[1]):
        b = int(partners[a])
        if (min(a, b), max(a, b)) not in pairs and all(dog_selective[[a, b]]) \
                and min(index[a], index[b]) >= FACING_MIN \
                and min(correlation[a, b], correlation[b, a]) >= PARTNER_MIN \
                and min(advantage[a, b], advantage[b, a]) >= ADVANTAGE_MIN:
            pairs.append((min(a, b), max(a, b)))
    return pairs


def _shapes(model: Model, layers: list[str]) -> list[tuple[int, ...]]:
    from probes.activations.capture import layer_shapes

    shapes = layer_shapes(model)
    return [shapes[name] for name in layers]


def why_no_pair(responses: np.ndarray, mirror_responses: np.ndarray, dog_selectivity: np.ndarray) -> str:
    """Why a layer holds no facing pair: the first of the pair criteria that too few of its units pass, with the
    numbers. `responses` are the dog photographs', `dog_selectivity` (C,) over all the photographs."""
    selective = dog_selectivity >= DOG_RATIO
    if selective.sum() < 2:
        return (f"{int(selective.sum())} of {len(selective)} units dog-selective (x{DOG_RATIO}; largest "
                f"x{np.nanmax(np.where(np.isfinite(dog_selectivity), dog_selectivity, np.nan), initial=0.0):.2f})")
    index = facing_index(responses, mirror_responses)
    facing = selective & (index >= FACING_MIN)
    if facing.sum() < 2:
        return (f"{int(selective.sum())} units dog-selective, {int(facing.sum())} of them facing-selective (index >= "
                f"{FACING_MIN}; largest {index[selective].max():.2f})")
    correlation = mirror_correlation(responses, mirror_responses)
    advantage = partner_advantage(responses, mirror_responses)
    units = np.flatnonzero(facing)
    both = np.minimum(correlation, correlation.T)[np.ix_(units, units)]
    np.fill_diagonal(both, -np.inf)
    a, b = np.unravel_index(int(np.argmax(both)), both.shape)
    a, b = int(units[a]), int(units[b])
    return (f"{len(units)} units dog- and facing-selective, none of them one another's best mirror partner with "
            f"correlation >= {PARTNER_MIN} and advantage >= {ADVANTAGE_MIN} (closest: {a} and {b}, correlation "
            f"{min(correlation[a, b], correlation[b, a]):.2f}, advantage {min(advantage[a, b], advantage[b, a]):.2f})")


def discover(model: Model, images, *, layers: list[str] | None = None):
    """(facing layer, pairs, union layer, union units, per-layer notes) on an ImageSet of discovery photographs.

    Screens every layer that can hold a pair (`candidate_layers`, whatever its stride) unless `layers` names some,
    and takes the one with the most pairs (the earliest of those tied). The notes say, for every layer considered,
    how many pairs it holds or why it holds none, and which layers could not hold one at all."""
    dog = in_concept(images.labels, DOG)
    if dog.sum() < 10:
        raise ValueError(f"only {int(dog.sum())} dog photographs among {len(images)}; need at least 10")
    if layers:
        rejected = []
    else:
        layers, rejected = candidate_layers(model)
    if not layers or not any(shape[0] >= 2 for shape in _shapes(model, layers)):
        raise NoCandidateLayers(f"no layer of {model.name} can hold a facing pair; considered: " + "; ".join(
            rejected + [f"{name}: 1 unit, a pair needs two" for name in layers]))
    everything = peak_responses(model, images.pixels, layers)
    mirror = peak_responses(model, mirrored(images.take(torch.as_tensor(dog))), layers)
    notes, best = [f"not screened: {why}" for why in rejected], (None, [])
    for layer in layers:
        if everything[layer].shape[1] < 2:
            notes.append(f"{layer}: no pair: {everything[layer].shape[1]} unit, a pair needs two")
            continue
        dog_selectivity = selectivity(everything[layer], dog)
        pairs = facing_pairs(everything[layer][dog], mirror[layer], dog_selectivity >= DOG_RATIO)
        notes.append(f"{layer}: {len(pairs)} pairs" if pairs else
                     f"{layer}: 0 pairs: {why_no_pair(everything[layer][dog], mirror[layer], dog_selectivity)}")
        if len(pairs) > len(best[1]):
            best = (layer, pairs)
    facing_layer, pairs = best
    if facing_layer is None:
        return None, [], None, [], notes + [f"no facing pair in any of the {len(layers)} layers considered"]
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
    is probes.photographs.mirror.selectivity over all the photographs."""
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

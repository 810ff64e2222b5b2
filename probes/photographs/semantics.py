"""What a unit's top photographs mean, from the WordNet hierarchy above their classes (probes/photographs/wordnet.py).

A unit is coherent when its top photographs' classes are closer in WordNet than random photographs' are
(`coherence`, mean pairwise Wu-Palmer similarity). Its top photographs fall into concept clusters
(`concept_clusters`: average linkage, merged while the mean similarity is at least RELATED, so two clusters are
unrelated by construction); each cluster names a concept, the deepest synset above all its classes, which new
photographs can then test (`drives`). Calibration of RELATED on WordNet alone: sports car/minivan 0.79,
Chihuahua/tabby 0.75 (related); goldfish/shark 0.67, Chihuahua/black swan 0.62, Chihuahua/sports car 0.28
(unrelated); random pairs of ImageNet classes: median 0.36, 95th percentile 0.72.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from probes.photographs.images import split_positions
from probes.photographs.wordnet import WordNet

RELATED = 0.7
TOP_K = 10
MIN_CLUSTER = 2
DRIVE = 2.0  # a concept drives a unit when its photographs' mean response is this many times the mean over all


def class_wnids(labels, wordnet: WordNet) -> list[str | None]:
    """Each photograph's wnid from its ImageNet label (the position among the sorted wnids), None if unknown."""
    wnids = sorted(wordnet.classes)
    return [wnids[label] if 0 <= label < len(wnids) else None for label in np.asarray(labels).tolist()]


def photos_of(concept: str, photo_wnids: list[str | None], wordnet: WordNet) -> np.ndarray:
    """(N,) bool: which photographs' classes lie below `concept` (or are it)."""
    return np.array([wordnet.is_a(w, concept) for w in photo_wnids], dtype=bool)


def top_photographs(responses: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """(C, k): indices of each unit's k strongest photographs, strongest first."""
    return np.argsort(-responses, axis=0, kind="stable")[:k].T


def similarity_matrix(wnids: list[str], wordnet: WordNet) -> np.ndarray:
    return np.array([[wordnet.similarity(a, b) for b in wnids] for a in wnids])


def coherence(wnids: list[str], wordnet: WordNet) -> float:
    """Mean pairwise similarity of the classes of a set of photographs (1: all one class)."""
    similarity = similarity_matrix(wnids, wordnet)
    return float(similarity[np.triu_indices(len(wnids), 1)].mean())


def chance_coherence(wnids: list[str], wordnet: WordNet, *, k: int = TOP_K, draws: int = 200,
                     seed: int = 0) -> np.ndarray:
    """Coherence of `draws` random sets of k photographs from `wnids` (the null distribution)."""
    rng = np.random.default_rng(seed)
    return np.array([coherence([wnids[i] for i in rng.choice(len(wnids), k, replace=False)], wordnet)
                     for _ in range(draws)])


def concept_clusters(wnids: list[str], wordnet: WordNet) -> list[tuple[str, list[str]]]:
    """(concept, member classes) of each cluster of at least MIN_CLUSTER photographs, largest first; the concept
    is the deepest synset above all its members."""
    if len(wnids) < 2:
        return []
    distance = 1.0 - similarity_matrix(wnids, wordnet)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), "average"), 1.0 - RELATED, "distance")
    clusters = sorted((np.flatnonzero(labels == c) for c in np.unique(labels)), key=len, reverse=True)
    return [(wordnet.common_ancestor([wnids[i] for i in members]), [wnids[i] for i in members])
            for members in clusters if len(members) >= MIN_CLUSTER]


def unrelated_concepts(clusters: list[tuple[str, list[str]]], wordnet: WordNet) -> list[str]:
    """The clusters' concepts, keeping a cluster only when no kept cluster's concept lies above all its members
    or below it (bird and grouse are one concept twice, not two)."""
    kept: list[tuple[str, list[str]]] = []
    for concept, members in clusters:
        if not any(all(wordnet.is_a(m, other) for m in members) or all(wordnet.is_a(m, concept) for m in others)
                   for other, others in kept):
            kept.append((concept, members))
    return [concept for concept, _ in kept]


def drives(responses: np.ndarray, photo_wnids: list[str | None], concept: str, wordnet: WordNet) -> bool:
    """Whether photographs of `concept` drive the unit (responses (N,)) DRIVE times above its mean; False when
    no photograph of the concept is there to test it."""
    inside = photos_of(concept, photo_wnids, wordnet)
    mean = responses.mean()
    return bool(inside.any() and mean > 0 and responses[inside].mean() >= DRIVE * mean)


def drives_each(responses: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """`drives` for P (unit, concept) pairs at once: responses (N, P), each pair's unit's responses; inside (N, P),
    which photographs show its concept. Works on a resample of the photographs, which repeats some of them."""
    count = inside.sum(0)
    mean = responses.mean(0)
    inside_mean = (responses * inside).sum(0) / np.maximum(count, 1)
    return (count > 0) & (mean > 0) & (inside_mean >= DRIVE * mean)


def purity(responses: np.ndarray, in_concept: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """(C,): fraction of each unit's top k photographs that show the concept."""
    return in_concept[top_photographs(responses, k)].mean(1)


def top_concepts(responses: np.ndarray, photo_wnids: list[str | None], wordnet: WordNet) -> list[list[str]]:
    """Per unit (responses (N, C)): the unrelated concepts its top photographs cluster into."""
    return [unrelated_concepts(concept_clusters([photo_wnids[i] for i in top], wordnet), wordnet)
            for top in top_photographs(responses)]


def has_photographs_of(concepts: list[str], photo_wnids: list[str | None], wordnet: WordNet) -> bool:
    """Whether every concept has at least one of these photographs to test it."""
    return all(photos_of(concept, photo_wnids, wordnet).any() for concept in concepts)


@dataclass
class ConceptResponses:
    """{layer: (N, C)} peak responses on every photograph, with the photographs' wnids and which half each is."""

    responses: dict[str, np.ndarray]
    wnids: list[str | None]
    wordnet: WordNet

    def half(self, part: str) -> np.ndarray:
        """Indices of the suite's split (probes.photographs.images.split): even positions discover, odd ones confirm."""
        return np.array(split_positions(len(self.wnids), part))

    def in_concept(self, concept: str) -> np.ndarray:
        return photos_of(concept, self.wnids, self.wordnet)

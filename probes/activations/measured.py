"""A network's measurements on a set of photographs or stimuli, each computed once and kept in the disk store
(probes.activations.store): the objects claims (through thin pytest fixtures), discovery and a notebook share.

    activations = Activations(model, photographs)         # photographs: a probes.photographs.images.ImageSet
    maps = activations("blocks.5.expand")["blocks.5.expand"]   # (N, C, H, W), one forward pass, then from disk
    peaks = PhotographPeaks(model, photographs)(["blocks.10.expand"])  # each unit's peak on each photograph
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from probes.activations import store
from probes.activations.capture import capture
from probes.measures.tuning import tuning_curves
from probes.photographs.mirror import peak_responses
from probes.records.timing import network_of, stage
from probes.stimuli.sets import StimulusSet


class Activations:
    """Activations of the model on a photograph set: one forward pass per new set of layers, kept in memory and
    in the disk store (probes.activations.store) for the next run. Pre-activations are captured; post-activations
    are derived from them through the layer's own (elementwise) activation module, so asking for both costs one
    pass."""

    def __init__(self, model, images):
        self.model, self.images = model, images
        self._pre: dict[str, torch.Tensor] = {}

    def __call__(self, layers, *, pre_activation: bool = False) -> dict[str, torch.Tensor]:
        layers = [layers] if isinstance(layers, str) else list(layers)
        missing = [layer for layer in layers if layer not in self._pre]
        if missing:
            self._fill(missing)
        return {layer: self._pre[layer] if pre_activation else self._post(layer) for layer in layers}

    def _fill(self, layers: list[str]) -> None:
        def compute(missing: list[str]) -> dict[str, torch.Tensor]:
            with stage("activations", network_of(self.model), ", ".join(missing)):
                return capture(self.model, self.images.pixels, missing, pre_activation=True, progress=True)

        self._pre.update(store.stored_layers("activations", self.model, self.images.digest or None, layers, compute))

    def _post(self, layer: str) -> torch.Tensor:
        activation = self.model.layer(layer).activation
        if activation is None:
            return self._pre[layer]
        with torch.inference_mode():
            return activation(self._pre[layer])


class PhotographPeaks:
    """Each unit's largest response anywhere in each photograph, {layer: (N, C)} over every natural image, for the
    late layers that facing, union, polysemantic and superposition claims read, and the null twins' rescreens.
    The first request computes every late layer the atlas names in one streamed pass (a batch of a layer's maps
    at a time), kept for the session and in the disk store (probes.activations.store)."""

    def __init__(self, model, images, layers=()):
        self.model, self.images, self._layers = model, images, list(layers)
        self._peaks: dict[str, np.ndarray] = {}

    def __call__(self, layers) -> dict[str, np.ndarray]:
        layers = [layers] if isinstance(layers, str) else list(layers)
        if any(layer not in self._peaks for layer in layers):  # with every late layer the atlas names
            missing = [layer for layer in dict.fromkeys(layers + self._layers) if layer not in self._peaks]
            self._peaks.update(store.stored_layers("peak responses", self.model, self.images.digest or None, missing,
                                                   lambda computing: peak_responses(self.model, self.images.pixels,
                                                                                    computing)))
        return {layer: self._peaks[layer] for layer in layers}


@dataclass
class FamilyResponses:
    """Baseline-subtracted, rectified centre responses (stimuli, units) of the family to a stimulus set."""

    stimuli: StimulusSet
    responses: np.ndarray

    def tuning_curves(self):
        return tuning_curves(self.responses, self.stimuli.params["orientation"].numpy())

"""The optimisation loop: one batch, image i serving objective i, the forward pass stopped after the deepest
layer any objective needs and, where the objectives read only the centre of their layers, run on the central part of
the warped images that the centre sees (`_trim`). Deterministic for a seed on the CPU."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from probes.activations.capture import recording, run
from probes.activations.store import network_key, source_digest, stored
from probes.featurevis.objectives import Objective
from probes.featurevis.param import FourierImage
from probes.featurevis.transforms import PAD, robustness
from probes.records.timing import network_of, timed
from probes.zoo import Model


CENTRE_TOLERANCE = 1e-6  # how far cropping may move the centre, relative to its largest value: rounding (`_trim`)


@dataclass
class Result:
    images: Tensor  # (N, 3, size, size) in [0, 1]
    values: Tensor  # (N,) each image's own objective, evaluated without transforms
    objectives: list[str]
    model: str
    size: int
    steps: int
    seed: int
    history: list[float] = field(default_factory=list)  # mean objective value per step

    def metadata(self, index: int) -> dict:
        return {"model": self.model, "objective": self.objectives[index], "steps": self.steps, "seed": self.seed,
                "size": self.size, "final_value": float(self.values[index])}


def _evaluate(objectives: list[Objective], store: dict) -> Tensor:
    """Objective i's value on image i. A per-image objective sees a batch of its own image alone: read off the
    whole batch, each objective's backward pass would fill a batch-sized gradient of zeros, N of them a step."""
    images = {layer: values.unbind(0) for layer, values in store.items()}  # one backward for all the views
    return torch.stack([objective({layer: images[layer][i].unsqueeze(0) for layer in objective.layers})[0]
                        if objective.per_image else objective(store)[i] for i, objective in enumerate(objectives)])


@timed("feature visualisation")
def render(model: Model, objectives: list[Objective], *, size: int | None = None, steps: int = 256,
           lr: float = 0.01, seed: int = 0, transforms: bool = True, pre_activation: bool = True,
           progress: bool = True) -> Result:
    """Optimise one image per objective. Objectives read pre-activations by default: a ReLU (or ReLU6)
    passes no gradient where a unit is silent (or saturated), which would freeze the optimisation there.
    The result is kept in the disk store (probes.activations.store), keyed by the network, the objectives
    and every option."""
    size = size or model.input_size
    parts = (network_key(model), tuple(o.description for o in objectives), size, steps, lr, seed, transforms,
             pre_activation, source_digest("probes.featurevis"))
    return stored("feature visualisations", parts, lambda: _optimise(model, objectives, size, steps, lr, seed,
                                                                      transforms, pre_activation, progress),
                  network=network_of(model))


def _optimise(model, objectives, size, steps, lr, seed, transforms, pre_activation, progress) -> Result:
    generator = torch.Generator().manual_seed(seed)
    image = FourierImage(len(objectives), size, generator=generator).to(model.device)
    optimiser = torch.optim.Adam(image.parameters(), lr=lr)
    layers = sorted(set().union(*(objective.layers for objective in objectives)))
    history = []
    iterations = range(steps)
    if progress:
        from tqdm.auto import tqdm
        iterations = tqdm(iterations, desc=f"feature visualization ({len(objectives)} objectives)", leave=False)
    with recording(model, layers, pre_activation=pre_activation) as store:
        trim = _trim(model, objectives, store, size + 2 * PAD) if transforms else 0
        for _ in iterations:
            optimiser.zero_grad()
            batch = image()
            if transforms:
                batch = robustness(batch, generator)
                if trim:
                    batch = batch[..., trim:-trim, trim:-trim]
            store.clear()
            run(model, batch)
            values = _evaluate(objectives, store)
            (-values.sum()).backward()
            optimiser.step()
            history.append(float(values.detach().mean()))
        with torch.no_grad():
            final = image()
            store.clear()
            run(model, final)
            values = _evaluate(objectives, store)
    return Result(final.detach().cpu(), values.detach().cpu(), [o.description for o in objectives], model.id, size,
                  steps, seed, history)


def _trim(model: Model, objectives: list[Objective], store: dict, warped: int) -> int:
    """Pixels to cut from each side of the warped images (`warped` px: the canvas and the robustness border) before
    the forward pass: the border, when every objective reads only the centre of its layers and the centre reads the
    same from the canvas alone, else none. It does when the border is a whole number of the layer's strides and the
    layer's receptive field fits the canvas; that is checked on a random image, for any network, layout and padding
    rule, never assumed, and only float rounding may differ. The constructed networks' centres read exactly the same
    (about half of each step's work goes); Lite0's blocks.5.expand moves by 1e-4, from the faint outer pixels of a
    field wider than its canvas, so it is not cut: the optimisation amplifies a change that small into other images."""
    if not all(objective.centre_only for objective in objectives):
        return 0
    image = torch.rand(1, 3, warped, warped, generator=torch.Generator().manual_seed(0)).to(model.device)
    centres = []
    with torch.no_grad():
        for view in (image, image[..., PAD:-PAD, PAD:-PAD]):
            store.clear()
            try:
                run(model, view)
            except RuntimeError:  # the canvas alone is too small for the network
                return 0
            if any(value.dim() != 4 for value in store.values()):
                return 0
            centres.append(torch.cat([value[..., value.shape[-2] // 2, value.shape[-1] // 2].flatten()
                                      for _, value in sorted(store.items())]))
    store.clear()
    whole, cropped = centres
    scale = float(whole.abs().max())  # 0: every centre silent on this image, so it shows nothing; no cut
    return PAD if scale > 0 and float((whole - cropped).abs().max()) <= CENTRE_TOLERANCE * scale else 0

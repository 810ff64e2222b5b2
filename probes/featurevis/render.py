"""The optimisation loop: one batch, image i serving objective i, the forward pass stopped after the deepest
layer any objective needs. Deterministic for a seed on the CPU."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from probes.activations.capture import recording, run
from probes.activations.store import network_key, source_digest, stored
from probes.featurevis.objectives import Objective
from probes.featurevis.param import FourierImage
from probes.featurevis.transforms import robustness
from probes.records.timing import network_of, timed
from probes.zoo import Model


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
        for _ in iterations:
            optimiser.zero_grad()
            batch = image()
            if transforms:
                batch = robustness(batch, generator)
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

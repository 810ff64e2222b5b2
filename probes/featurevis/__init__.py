"""Feature visualization: optimise images to drive objectives (a unit, a direction, their combinations).

    from probes.featurevis import render, unit
    result = render(model, [unit("blocks.5.expand", u) for u in units], size=73, steps=256, seed=0)

Four nouns, one module each: `param` (how an image is represented), `transforms` (robustness),
`objectives` (what to maximise), `render` (the loop); `save` writes PNGs with their metadata.
"""
from probes.featurevis.objectives import Objective, direction, diversity, unit  # noqa: F401
from probes.featurevis.render import Result, render  # noqa: F401

"""``python -m probes.discover {curves,high_low,edges,facing,polysemantic} --model NAME [--atlas PATH] [--images DIR]``

Screens the model's layers for a family (curve detectors, high-low frequency detectors, or the first oriented
edge detectors) on the family's discovery stimuli and the discovery half of the natural images, prints what it
found per layer, and writes the family into the atlas. A family's screen module may set MIN_FIELD (smallest
receptive field screened), EARLIEST (stop at the first layer holding a family), and its own choose_family and
family_gap; probes/discover/screening.py has the defaults. A screen that is not a per-layer orientation screen
(facing: mirror pairs and the union units after them; polysemantic: units answering unrelated concepts) has its
own `find_families` instead.
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import sys
import time
from dataclasses import replace
from pathlib import Path

from probes.addressing import UnknownNameError
from probes.allocator import keep_freed_memory
from probes.defaults import DEFAULT_MODEL, image_folder
from probes.models import WeightsIntegrityError, WeightsUnavailable, load_model

SCREENS = {"curves": "probes.discover.curves", "high_low": "probes.discover.high_low",  # family -> its screen
           "edges": "probes.discover.edges", "facing": "probes.discover.facing",
           "polysemantic": "probes.discover.polysemantic"}


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # probes/allocator.py: freed activations stay for the next pass
    parser = argparse.ArgumentParser(prog="python -m probes.discover", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family", choices=sorted(SCREENS), help="which family to screen for")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="zoo name or package.module:factory")
    parser.add_argument("--atlas", type=Path, help="atlas file to write (default: atlases/<model>.json)")
    parser.add_argument("--images", type=Path, default=None, help="natural image folder (default: $ZOOM_IN_IMAGES)")
    parser.add_argument("--layers", nargs="*", help="layers to screen (default: every spatial layer whose receptive "
                                                    "field is at least --min-field pixels and fits the input)")
    parser.add_argument("--stride", type=int, default=None,
                        help="screen only the spatial layers at this stride (e.g. 8, where lite0's and InceptionV1's "
                             "curve families sit); default: every layer, as --min-field says")
    parser.add_argument("--min-field", type=int, default=None,
                        help="smallest receptive field screened (default: the family's, 16 px for curves)")
    parser.add_argument("--budget", type=float, default=1800.0,
                        help="seconds of screening, after which the remaining layers are listed as not screened")
    parser.add_argument("--max-images", type=int, default=500, help="natural images used for the drive criterion")
    args = parser.parse_args(argv)

    from probes.records.atlas import Atlas, Family, Provenance, default_atlas_path
    from probes.discover import screening
    from probes.photographs.images import load_image_folder, split

    family_screen = importlib.import_module(SCREENS[args.family])
    choose_family = getattr(family_screen, "choose_family", screening.choose_family)
    family_gap = getattr(family_screen, "family_gap", lambda found: found.largest_gap)
    min_field = args.min_field or getattr(family_screen, "MIN_FIELD", screening.MIN_FIELD)

    try:
        model = load_model(args.model)
        layers = args.layers or []
        if not args.layers and not hasattr(family_screen, "find_families"):  # those choose their own layers
            layers = screening.candidate_layers(model, min_field)
            if args.stride:
                layers = screening.layers_at_stride(model, args.stride)
        for layer in layers:
            model.layer(layer)
    except (UnknownNameError, WeightsUnavailable, WeightsIntegrityError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    folder = image_folder(args.images)
    natural = split(load_image_folder(folder, model.preprocessing), "discovery")
    natural = natural.subset(range(min(args.max_images, len(natural))))

    atlas_path = args.atlas or default_atlas_path(model.name)
    if hasattr(family_screen, "find_families"):
        return _write_families(args, argv, model, natural, folder, atlas_path, family_screen)

    from tqdm.auto import tqdm

    screens, started = [], time.monotonic()
    for layer in tqdm(layers, desc=f"screening {model.name}", unit="layer"):
        if time.monotonic() - started > args.budget:
            skipped = layers[len(screens):]
            print(f"budget of {args.budget:.0f} s spent: {len(skipped)} layers not screened ({', '.join(skipped)})")
            break
        screens.append(family_screen.screen_layer(model, layer, natural.images))
        if getattr(family_screen, "EARLIEST", False) and choose_family(screens[-1:]):
            print(f"{layer} holds a family: layers after it not screened")
            break
    print(f"{'layer':<22} {'field':>5} {'units':>5} {'family':>6} {'largest gap':>11}")
    for layer_screen in screens:
        print(f"{layer_screen.layer:<22} {layer_screen.receptive_field:>5} {len(layer_screen.units):>5} "
              f"{len(layer_screen.family):>6} {family_gap(layer_screen):>10.0f}°")
    best = choose_family(screens)
    if best is None:
        print(f"no {args.family} family found in {model.name}; atlas unchanged")
        return 1
    family = Family(
        layer=best.layer,
        units=[u.unit for u in best.family],
        preferred_orientation={u.unit: round(u.preferred_orientation, 1) for u in best.family},
        provenance=Provenance(
            method=f"probes.discover {args.family}: screen of {len(layers)} layers ({family_screen.CRITERIA}); "
                   f"command: python -m probes.discover {' '.join(argv if argv is not None else sys.argv[1:])}",
            data=f"synthetic discovery stimuli {family_screen.DISCOVERY}; natural images: "
                 "discovery half (even positions) of "
                 f"{Path(folder).name} ({len(natural)} images)",
            date=datetime.date.today().isoformat(),
            tool="probes.discover",
            notes="; ".join(f"{s.layer}: {len(s.family)}" for s in screens),
        ),
    )
    # a screen may add what the family measurably prefers (high-low: its texture periods, the atlas's `stimulus`)
    family = getattr(family_screen, "describe_family", lambda _model, described: described)(model, family)
    family = with_receptive_field(model, family)
    atlas = Atlas.load(atlas_path) if atlas_path.exists() else Atlas(model=model.name, families={})
    atlas.with_family(args.family, family).save(atlas_path)
    print(f"{args.family} family of {model.name}: {best.layer} units {family.units}\nwritten to {atlas_path}")
    return 0


def _write_families(args, argv, model, natural, folder, atlas_path, screen) -> int:
    from probes.records.atlas import Atlas, Provenance

    command = f"python -m probes.discover {' '.join(argv if argv is not None else sys.argv[1:])}"

    def provenance(what: str) -> Provenance:
        return Provenance(method=f"probes.discover {args.family} ({what}): {screen.CRITERIA}; command: {command}",
                          data=f"{screen.DISCOVERY}: discovery half (even positions) of {Path(folder).name} "
                               f"({len(natural)} images)",
                          date=datetime.date.today().isoformat(), tool="probes.discover")

    atlas = Atlas.load(atlas_path) if atlas_path.exists() else Atlas(model=model.name, families={})
    try:
        families, notes = screen.find_families(model, natural, layers=args.layers, atlas=atlas, provenance=provenance)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(notes))
    if not families:
        print(f"no {args.family} family found in {model.name}; atlas unchanged")
        return 1
    for name, family in families.items():  # every family keeps the whole screen's notes
        family = replace(family, provenance=replace(family.provenance, notes="; ".join(notes)))
        family = with_receptive_field(model, family)
        atlas = atlas.with_family(name, family)
        print(f"{name} family of {model.name}: {family.layer} units {family.units}")
    atlas.save(atlas_path)
    print(f"written to {atlas_path}")
    return 0


def with_receptive_field(model, family):
    """The family with its layer's receptive field and stride in input pixels, for tables across networks."""
    from probes.activations.receptive_field import receptive_field

    field = receptive_field(model, family.layer)
    clipped = {"clipped": True} if field.clipped else {}
    return replace(family, receptive_field={"size": field.size, "stride": field.stride, **clipped})


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m probes.models list`` and ``python -m probes.models layers NAME``."""
from __future__ import annotations

import argparse
import sys

from probes.addressing import UnknownNameError
from probes.models import WeightsIntegrityError, WeightsUnavailable, entries, load_model


def list_models() -> None:
    known = entries()
    width = max(map(len, known))
    for name, entry in known.items():
        print(f"{name:<{width}}  {entry.summary}\n{'':<{width}}  weights: {entry.weights_status()}")
    print("\nAny other network: --model package.module:factory (see README, 'Your own model').")


def list_layers(name: str, random_weights: bool) -> None:
    from probes.activations.capture import layer_shapes

    try:
        model = load_model(name, pretrained=not random_weights)
    except WeightsUnavailable as error:
        print(f"({error})\nShowing the architecture with random weights.\n", file=sys.stderr)
        model = load_model(name, pretrained=False)
    shapes = layer_shapes(model)
    width = max(map(len, shapes))
    print(f"{model.name}: input 3x{model.input_size}x{model.input_size}, weights: {model.weights}")
    for layer, shape in shapes.items():
        print(f"  {layer:<{width}}  {'x'.join(map(str, shape))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m probes.models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the zoo's models and whether their weights are available here")
    layers = commands.add_parser("layers", help="a model's addressable layers with output shapes")
    layers.add_argument("name", help="zoo name or package.module:factory")
    layers.add_argument("--random-weights", action="store_true", help="don't load pretrained weights")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            list_models()
        else:
            list_layers(args.name, args.random_weights)
    except (UnknownNameError, WeightsIntegrityError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

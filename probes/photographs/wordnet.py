"""WordNet 3.0 nouns above the 1000 ImageNet classes: which concept a photograph's class belongs to, and how far
apart two classes are in meaning, without hand-made class lists.

ImageNet's class ids (wnids, ``n02084071``) are WordNet 3.0 noun offsets. The hierarchy above the 1000 classes is
kept in a small committed file (``probes/photographs/data/imagenet_wordnet.json``) derived from WordNet itself:

    python -m probes.photographs.wordnet build [--wordnet /usr/share/wordnet] [--images DIR]

reads WordNet's ``data.noun`` (Debian's ``wordnet-base``) for the wnids found in the image folder, so the suite
needs no WordNet at run time; ``tests/test_wordnet.py`` checks the file against its source where it is installed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from probes.defaults import image_folder

DATA_FILE = Path(__file__).with_name("data") / "imagenet_wordnet.json"
DEFAULT_WORDNET = Path("/usr/share/wordnet")
HYPERNYM_POINTERS = ("@", "@i")  # hypernym, instance hypernym

DOG = "n02084071"  # dog, domestic dog, Canis familiaris
MOTOR_VEHICLE = "n03791235"  # motor vehicle, automotive vehicle


def read_nouns(wordnet_dir: str | os.PathLike) -> dict[str, tuple[str, list[str]]]:
    """{wnid: (first lemma, [hypernym wnids])} for every noun synset of WordNet's ``data.noun``."""
    path = Path(wordnet_dir) / "data.noun"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no WordNet noun data; install Debian's wordnet-base or pass --wordnet DIR")
    nouns = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line or line[0] == " ":  # the licence header is indented
            continue
        fields = line.split(" ")
        offset, word_count = fields[0], int(fields[3], 16)
        lemma = fields[4]
        at = 4 + 2 * word_count
        pointer_count = int(fields[at])
        hypernyms = []
        for k in range(pointer_count):
            symbol, target, pos = fields[at + 1 + 4 * k: at + 4 + 4 * k]
            if symbol in HYPERNYM_POINTERS and pos == "n":
                hypernyms.append("n" + target)
        nouns["n" + offset] = (lemma, hypernyms)
    return nouns


def derive(nouns: dict[str, tuple[str, list[str]]], wnids: list[str]) -> dict:
    """For each class: its name, its primary hypernym path (root first, following the first hypernym) and all
    its ancestors (every hypernym path); plus the names of every synset mentioned."""
    classes, names = {}, {}
    for wnid in sorted(wnids):
        if wnid not in nouns:
            raise KeyError(f"{wnid} is not a WordNet 3.0 noun")
        path, node = [], wnid
        while True:
            path.append(node)
            hypernyms = nouns[node][1]
            if not hypernyms:
                break
            node = hypernyms[0]
        ancestors, frontier = set(), [wnid]
        while frontier:
            for parent in nouns[frontier.pop()][1]:
                if parent not in ancestors:
                    ancestors.add(parent)
                    frontier.append(parent)
        classes[wnid] = {"path": path[::-1], "ancestors": sorted(ancestors)}
        for synset in ancestors | {wnid}:
            names[synset] = nouns[synset][0]
    return {"source": "WordNet 3.0 data.noun (hypernym and instance-hypernym pointers)",
            "classes": classes, "names": dict(sorted(names.items()))}


@dataclass(frozen=True)
class WordNet:
    """The hierarchy above a set of ImageNet classes (see the module docstring)."""

    classes: dict
    names: dict

    @classmethod
    def load(cls, path: str | os.PathLike = DATA_FILE) -> WordNet:
        data = json.loads(Path(path).read_text())
        return cls(data["classes"], data["names"])

    def name(self, wnid: str) -> str:
        return self.names.get(wnid, wnid).replace("_", " ")

    def is_a(self, wnid: str | None, concept: str) -> bool:
        """Whether class `wnid` is `concept` or below it (False for an unknown or missing wnid)."""
        entry = self.classes.get(wnid or "")
        return entry is not None and (wnid == concept or concept in entry["ancestors"])

    @cached_property
    def _depth(self) -> dict[str, int]:
        return {wnid: len(entry["path"]) for wnid, entry in self.classes.items()}

    def similarity(self, a: str, b: str) -> float:
        """Wu-Palmer similarity on the primary paths: 2 depth(common ancestor) / (depth(a) + depth(b)), 1 for
        the same class, near 0 for classes that share only the root."""
        path_a, path_b = self.classes[a]["path"], self.classes[b]["path"]
        common = 0
        for x, y in zip(path_a, path_b):
            if x != y:
                break
            common += 1
        return 2.0 * common / (len(path_a) + len(path_b))

    def common_ancestor(self, wnids: list[str]) -> str:
        """The deepest synset on every one of the classes' primary paths."""
        paths = [self.classes[w]["path"] for w in wnids]
        common = paths[0][0]
        for nodes in zip(*paths):
            if len(set(nodes)) > 1:
                break
            common = nodes[0]
        return common


def main(argv: list[str] | None = None) -> int:
    from probes.photographs.images import list_images, wnid_of

    parser = argparse.ArgumentParser(prog="python -m probes.photographs.wordnet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--wordnet", type=Path, default=DEFAULT_WORDNET, help="folder holding WordNet's data.noun")
    parser.add_argument("--images", type=Path, default=image_folder(),
        help="image folder whose wnids are the classes (default: $ZOOM_IN_IMAGES)")
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    wnids = sorted({w for w in map(wnid_of, list_images(args.images)) if w})
    data = derive(read_nouns(args.wordnet), wnids)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}: {len(data['classes'])} classes, {len(data['names'])} synsets")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Atlases: pre-registered catalogues of a model's unit families, read by claims instead of hard-coded units.

One JSON file per model (``atlases/<model>.json``):

    {"schema": 1, "model": "efficientnet_lite0",
     "late_layers": ["blocks.15.expand", "head"],     (optional: layer L and L+1 of the semantic claims)
     "families": {"curves": {"layer": "blocks.5.expand", "units": [196, 85, ...],
                             "preferred_orientation": {"196": 47.0, ...},          (optional)
                             "partners": {"12": 40, "40": 12},   (optional: mirror partners, facing families)
                             "concepts": {"55": ["n02121620", "n02958343"]},  (optional: WordNet synsets a
                                                                      unit answers, polysemantic families)
                             "stimulus": {"high_period": 3.2, "low_period": 16.0},  (optional: the stimulus
                                 parameters the family prefers, in input pixels, which its claims confirm on; for
                                 high-low families the fine and coarse periods. Written by discovery, or set by
                                 hand; without it a claim measures the preference on discovery stimuli)
                             "receptive_field": {"size": 67, "stride": 8},  (optional: the layer's field and
                                 stride in input pixels, measured by probes.activations.receptive_field when discovery
                                 wrote the family, "clipped": true when the field is larger than the probe; for tables
                                 that compare networks)
                             "provenance": {"method": ..., "data": ..., "date": ..., "tool": ..., "notes": ...}}}}

Every family records how, when and on what data it was found, so a claim can confirm it on other data.
``python -m probes.records.atlas build-inceptionv1`` rebuilds the paper's catalogue from the published figure data.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from probes.addressing import UnknownNameError
from probes.defaults import PROJECT, reference_folder

SCHEMA = 1
CAT, CAR = "n02121620", "n02958343"  # WordNet 3.0: cat (true cat), car (automobile)
REPO = PROJECT
ATLAS_DIR = REPO / "atlases"


class AtlasError(ValueError):
    """A malformed atlas file; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Provenance:
    method: str
    data: str
    date: str
    tool: str
    notes: str = ""


@dataclass(frozen=True)
class Family:
    layer: str
    units: list[int]
    provenance: Provenance
    preferred_orientation: dict[int, float] = field(default_factory=dict)
    description: str = ""
    partners: dict[int, int] = field(default_factory=dict)  # unit -> its mirror partner (facing families)
    concepts: dict[int, list[str]] = field(default_factory=dict)  # unit -> WordNet synsets it answers
    stimulus: dict[str, float] = field(default_factory=dict)  # preferred stimulus parameters (high_low: periods)
    receptive_field: dict = field(default_factory=dict)  # the layer's {"size", "stride"[, "clipped"]} in input pixels


@dataclass(frozen=True)
class Atlas:
    model: str
    families: dict[str, Family]
    path: Path | None = None
    # (layer L, layer L+1) read by the polysemantic and superposition claims: chosen before they run, per model.
    late_layers: tuple[str, str] | None = None

    def family(self, name: str) -> Family:
        try:
            return self.families[name]
        except KeyError:
            where = f" ({self.path})" if self.path else ""
            raise UnknownNameError(f"family in the atlas of {self.model}{where}", name, self.families) from None

    def with_family(self, name: str, family: Family) -> Atlas:
        return replace(self, families={**self.families, name: family})

    def to_dict(self) -> dict:
        families = {}
        for name, family in self.families.items():
            entry = asdict(family)
            entry["preferred_orientation"] = {str(k): v for k, v in family.preferred_orientation.items()}
            entry["partners"] = {str(k): v for k, v in family.partners.items()}
            entry["concepts"] = {str(k): v for k, v in family.concepts.items()}
            families[name] = {k: v for k, v in entry.items() if v not in ({}, "")}
        late = {"late_layers": list(self.late_layers)} if self.late_layers else {}
        return {"schema": SCHEMA, "model": self.model, **late, "families": families}

    def save(self, path: str | os.PathLike) -> Path:
        """Atomic: a reader never sees a half-written atlas."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        text = json.dumps(self.to_dict(), indent=1)
        # one line per list of unit indices or WordNet ids, so a family reads at a glance
        text = re.sub(r'\[\s+((?:\d+|"n\d{8}")(?:,\s+(?:\d+|"n\d{8}"))*)\s+\]',
                      lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
        text = re.sub(r'"receptive_field": \{([^{}]*)\}',
                      lambda m: '"receptive_field": {' + re.sub(r"\s+", " ", m.group(1)).strip() + "}", text)
        temporary.write_text(text + "\n")
        os.replace(temporary, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Atlas:
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise AtlasError(f"{path}: no such atlas file") from None
        except json.JSONDecodeError as error:
            raise AtlasError(f"{path}: not valid JSON ({error})") from None
        return _parse(data, path)


def default_atlas_path(model_name: str) -> Path:
    return ATLAS_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', model_name)}.json"


def _fail(path, where: str, problem: str):
    raise AtlasError(f"{path}: {where}: {problem}")


def _expect(path, where: str, value, kind, name: str):
    if not isinstance(value, kind) or isinstance(value, bool):
        _fail(path, where, f"expected {name}, got {type(value).__name__} {value!r}")
    return value


def _parse(data, path) -> Atlas:
    _expect(path, "top level", data, dict, "an object")
    if data.get("schema") != SCHEMA:
        _fail(path, "schema", f"expected {SCHEMA}, got {data.get('schema')!r}")
    model = _expect(path, "model", data.get("model"), str, "a model name")
    late_layers = None
    if "late_layers" in data:
        late_layers = _expect(path, "late_layers", data["late_layers"], list, "a list [layer L, layer L+1]")
        if len(late_layers) != 2 or not all(isinstance(name, str) for name in late_layers):
            _fail(path, "late_layers", f"expected two layer names [L, L+1], got {late_layers!r}")
        late_layers = tuple(late_layers)
    families = {}
    for name, entry in _expect(path, "families", data.get("families"), dict, "an object").items():
        where = f"families.{name}"
        _expect(path, where, entry, dict, "an object")
        unknown = set(entry) - {"layer", "units", "preferred_orientation", "partners", "concepts", "provenance",
                                "description", "stimulus", "receptive_field"}
        if unknown:
            _fail(path, where, f"unknown field(s) {sorted(unknown)}")
        layer = _expect(path, f"{where}.layer", entry.get("layer"), str, "a layer name")
        units = _expect(path, f"{where}.units", entry.get("units"), list, "a list of unit indices")
        if not units:
            _fail(path, f"{where}.units", "is empty")
        for i, unit in enumerate(units):
            _expect(path, f"{where}.units[{i}]", unit, int, "an integer")
            if unit < 0:
                _fail(path, f"{where}.units[{i}]", f"negative unit index {unit}")
        orientations = {}
        for key, value in _expect(path, f"{where}.preferred_orientation", entry.get("preferred_orientation", {}),
                                  dict, "an object").items():
            if not key.isdigit() or int(key) not in units:
                _fail(path, f"{where}.preferred_orientation.{key}", "is not one of the family's units")
            orientations[int(key)] = float(_expect(path, f"{where}.preferred_orientation.{key}", value,
                                                   (int, float), "an angle in degrees"))
        partners = {}
        for key, value in _expect(path, f"{where}.partners", entry.get("partners", {}), dict, "an object").items():
            if not key.isdigit() or int(key) not in units:
                _fail(path, f"{where}.partners.{key}", "is not one of the family's units")
            if _expect(path, f"{where}.partners.{key}", value, int, "a unit index") not in units:
                _fail(path, f"{where}.partners.{key}", f"partner {value} is not one of the family's units")
            partners[int(key)] = value
        concepts = {}
        for key, value in _expect(path, f"{where}.concepts", entry.get("concepts", {}), dict, "an object").items():
            if not key.isdigit() or int(key) not in units:
                _fail(path, f"{where}.concepts.{key}", "is not one of the family's units")
            _expect(path, f"{where}.concepts.{key}", value, list, "a list of WordNet ids")
            if not value or not all(isinstance(w, str) and re.fullmatch(r"n\d{8}", w) for w in value):
                _fail(path, f"{where}.concepts.{key}", f"expected WordNet noun ids like n02121620, got {value!r}")
            concepts[int(key)] = list(value)
        stimulus = {}
        for key, value in _expect(path, f"{where}.stimulus", entry.get("stimulus", {}), dict, "an object").items():
            number = _expect(path, f"{where}.stimulus.{key}", value, (int, float), "a number")
            if not number > 0:
                _fail(path, f"{where}.stimulus.{key}", f"expected a positive number, got {value!r}")
            stimulus[key] = float(number)
        field_ = _expect(path, f"{where}.receptive_field", entry.get("receptive_field", {}), dict, "an object")
        if field_ and (not {"size", "stride"} <= set(field_) <= {"size", "stride", "clipped"}
                       or not all(isinstance(field_[k], int) and field_[k] > 0 for k in ("size", "stride"))):
            _fail(path, f"{where}.receptive_field",
                  f'expected {{"size": pixels, "stride": pixels[, "clipped": true]}}, got {field_!r}')
        raw = _expect(path, f"{where}.provenance", entry.get("provenance"), dict, "an object")
        for required in ("method", "data", "date", "tool"):
            _expect(path, f"{where}.provenance.{required}", raw.get(required), str, "a string")
        provenance = Provenance(**{k: raw[k] for k in ("method", "data", "date", "tool")}, notes=raw.get("notes", ""))
        families[name] = Family(layer, list(units), provenance, orientations, entry.get("description", ""), partners,
                                concepts, stimulus, dict(field_))
    return Atlas(model, families, Path(path), late_layers)


def _lenient_json(text: str):
    """The published figure data is JavaScript-flavoured JSON: tolerate trailing commas."""
    return json.loads(re.sub(r",\s*([\]}])", r"\1", text))


def build_inceptionv1(reference: Path) -> Atlas:
    """The paper's InceptionV1 neuron families, from the early-vision catalogue of the Circuits articles."""
    families = {}
    early_vision = reference / "inceptionv1" / "early-vision"
    for file in sorted(early_vision.glob("*.json")):
        layer = file.stem
        for entry in _lenient_json(file.read_text()):
            units = [int(u) for u in entry.get("units", [])]
            if not units:
                continue
            slug = re.sub(r"[^a-z0-9]+", "_", entry["name"].lower()).strip("_")
            provenance = Provenance(
                method="published neuron-family catalogue "
                       "(Olah et al. 2020, 'An Overview of Early Vision in InceptionV1')",
                data=f"reference/inceptionv1/early-vision/{file.name}", date="2020-04-01",
                tool="probes.records.atlas build-inceptionv1", notes=entry.get("comment", "")[:300])
            families[f"{layer}.{slug}"] = Family(layer, units, provenance, description=entry["name"])
    aliases = {"curves": "mixed3b.curves", "high_low": "mixed3a.high_low_frequency",  # the names claims ask for
               "facing": "mixed4a.oriented_dog_heads", "facing_union": "mixed4b.dog_heads"}
    for alias, key in aliases.items():
        if key in families:
            families[alias] = families[key]
    # Zoom In's polysemantic example, "4e:55" in its figure: cat faces, fronts of cars, cat legs.
    families["polysemantic"] = Family(
        "mixed4e", [55], Provenance(method="named in Zoom In (Olah et al. 2020), 'Polysemantic Neurons' figure",
                                    data="the article's text: cat faces, fronts of cars and cat legs",
                                    date="2020-03-10",
                                    tool="probes.records.atlas build-inceptionv1"),
        description="cat faces, fronts of cars, cat legs", concepts={55: [CAT, CAR]})
    # The paper's car feature is mixed4c:447 (early-vision catalogue), spread over mixed4d.
    return Atlas("inceptionv1", families, late_layers=("mixed4c", "mixed4d"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["build-inceptionv1"]:
        print("usage: python -m probes.records.atlas build-inceptionv1 [REFERENCE_DIR]", file=sys.stderr)
        return 2
    reference = Path(argv[1]) if len(argv) > 1 else reference_folder()
    path = build_inceptionv1(reference).save(default_atlas_path("inceptionv1"))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

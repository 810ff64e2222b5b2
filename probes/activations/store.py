"""A disk store for measurements that are costly and deterministic (activations on the photographs, receptive
fields, a null twin's rescreened families, feature visualisations), so a second run, or a second process of the
same run, reads them instead of computing them again.

    value = stored("activations", (network_key(model), images.digest, layer), lambda: capture(...))

An entry is keyed by everything that can change it: the network's live weights (so a null twin, an edited or
another model never shares an entry), the inputs and the request. A network with a hook in place (an ablation, a
capture in progress) is never served or stored, since the hook changes what it computes. An entry that cannot be
read, or whose stored key differs, is computed again and replaced, with a warning. The store is bounded
(ZOOM_IN_CACHE_GB, default 10): after each write the least recently used entries go until it fits. Processes that
share the store (xdist workers) compute an entry once: while one computes it, another that needs it waits for it.

Where: $ZOOM_IN_CACHE/store (default ~/.cache/zoom-in-claims/store); ZOOM_IN_CACHE="" turns the store off.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
import warnings
from pathlib import Path
from typing import Callable, TypeVar

import torch

try:
    import fcntl
except ImportError:  # not POSIX: processes sharing the store may compute an entry twice, never wrongly
    fcntl = None

from probes.records.provenance import weights_digest
from probes.records.timing import network_of, stage

VERSION = 1  # bump when what an entry holds changes shape: every older entry is then recomputed
DEFAULT_GB = 10.0  # a full run with three null seeds keeps about 6 GB of activations
LOCK_WAIT = 600.0  # seconds to wait for another process computing an entry before computing it here as well

T = TypeVar("T")


def cache_root() -> Path | None:
    """ZOOM_IN_CACHE, or ~/.cache/zoom-in-claims; None when ZOOM_IN_CACHE is set empty (no disk caching)."""
    value = os.environ.get("ZOOM_IN_CACHE", str(Path.home() / ".cache" / "zoom-in-claims"))
    return Path(value) if value else None


def store_dir() -> Path | None:
    root = cache_root()
    return root / "store" if root else None


def limit_bytes() -> int:
    return int(float(os.environ.get("ZOOM_IN_CACHE_GB", DEFAULT_GB)) * 1e9)


def hooked(module: torch.nn.Module) -> bool:
    """Whether any submodule has a forward hook: then it does not compute what its weights alone say."""
    return any(m._forward_hooks or m._forward_pre_hooks for m in module.modules())


_SOURCES: dict[str, str] = {}


def source_digest(*modules: str) -> str:
    """Digest of the source files of the named modules (a package: every module in it), so an entry computed by
    code that has since changed is never served."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        if name not in _SOURCES:
            spec = importlib.util.find_spec(name)
            files = sorted(Path(p).rglob("*.py") for p in spec.submodule_search_locations) \
                if spec.submodule_search_locations else [[Path(spec.origin)]]
            part = hashlib.sha256()
            for path in (f for group in files for f in sorted(group)):
                part.update(path.read_bytes())
            _SOURCES[name] = part.hexdigest()
        digest.update(_SOURCES[name].encode())
    return digest.hexdigest()[:16]


def network_key(model) -> str | None:
    """What identifies a network's computation: its class, the source that defines it and its live weights; None
    while a hook is in place."""
    return module_key(model.module)


def module_key(module: torch.nn.Module) -> str | None:
    """`network_key` of a bare module."""
    if hooked(module):
        return None
    kind = type(module)
    return f"{kind.__module__}.{kind.__qualname__}:{source_digest(kind.__module__)}:{weights_digest(module)}"


class Shared(torch.nn.Module):
    """A part that several networks are built on (the constructed concept networks all read Lite0's class
    probabilities), its output for each batch kept in the store under the part's own key and the batch's digest:
    the networks compute it once per batch between them, across processes and runs. In training mode (a null
    twin's batch norms recalibrating), with a gradient to carry or with a hook in place, it computes as usual."""

    def __init__(self, part: torch.nn.Module, kind: str):
        super().__init__()
        self.part, self.kind = part, kind

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.training or (torch.is_grad_enabled() and inputs.requires_grad):
            return self.part(inputs)
        parts = (module_key(self.part), tensor_digest(inputs))
        return stored(self.kind, parts, lambda: self.part(inputs)).to(inputs.device)


def tensor_digest(values: torch.Tensor) -> str:
    """Digest of a tensor's shape, type and values: for inputs too large to spell out in a key (stimuli)."""
    values = values.detach().cpu().contiguous()
    digest = hashlib.sha256(f"{tuple(values.shape)}|{values.dtype}".encode())
    digest.update(values.numpy().tobytes())
    return digest.hexdigest()[:16]


def entry_key(kind: str, parts) -> str:
    return hashlib.sha256(f"{VERSION}|{kind}|{parts!r}".encode()).hexdigest()


MISSING = object()  # what `load` gives for an entry it does not have


def _path(kind: str, parts: tuple) -> tuple[Path | None, str]:
    directory = store_dir()
    if directory is None or any(part is None for part in parts):
        return None, ""
    key = entry_key(kind, parts)
    return directory / kind / f"{key[:32]}.pt", key


def load(kind: str, parts: tuple, *, network: str = ""):
    """The stored value for (kind, parts), or MISSING (none, unreadable, stale, or storing is off for it)."""
    path, key = _path(kind, parts)
    if path is None or not path.exists():
        return MISSING
    with stage("store reads", network, kind):
        return _read(path, key)


def save(kind: str, parts: tuple, value, *, network: str = "") -> None:
    """Store `value` under (kind, parts), then evict the least recently used entries beyond the limit."""
    path, key = _path(kind, parts)
    if path is None:
        return
    with stage("store writes", network, kind):
        _write(path, key, value)
        _evict(path.parents[1], limit_bytes(), keep=path)


def stored(kind: str, parts: tuple, compute: Callable[[], T], *, network: str = "") -> T:
    """The stored value for (kind, parts), or `compute()` stored for next time. A part that is None (a network
    with hooks in place) or a store turned off means computing without storing."""
    found = load(kind, parts, network=network)
    if found is not MISSING:
        return found
    with _computing(kind, parts, network):
        found = load(kind, parts, network=network)  # stored by another process while this one waited
        if found is not MISSING:
            return found
        value = compute()
        save(kind, parts, value, network=network)
    return value


def stored_layers(kind: str, model, inputs: str | None, layers: list[str], compute) -> dict:
    """{layer: value} of `model` on `inputs` (a digest of the photographs), each layer read from the store where it
    is; the rest come from ONE call of `compute(layers) -> {layer: value}` (one forward pass) and are stored."""
    network, key = network_of(model), network_key(model)
    parts = {layer: (key, inputs, layer) for layer in layers}
    found = {layer: load(kind, parts[layer], network=network) for layer in layers}
    found = {layer: value for layer, value in found.items() if value is not MISSING}
    missing = [layer for layer in layers if layer not in found]
    if missing:
        with _computing(kind, (key, inputs), network):  # one pass per network and inputs at a time
            again = {layer: load(kind, parts[layer], network=network) for layer in missing}
            found.update({layer: value for layer, value in again.items() if value is not MISSING})
            missing = [layer for layer in layers if layer not in found]
            if missing:
                computed = compute(missing)
                for layer in missing:
                    save(kind, parts[layer], computed[layer], network=network)
                found.update(computed)
    return found


_held: set[Path] = set()  # the locks this process holds, so that a nested request never waits for itself


@contextlib.contextmanager
def _computing(kind: str, parts: tuple, network: str):
    """Held while this process computes the entry (kind, parts): another process of the run that needs it waits,
    then reads it, instead of computing it at the same time. The operating system releases the lock of a process
    that dies; a wait longer than LOCK_WAIT gives up and computes here too."""
    path, _ = _path(kind, parts)
    if path is None or fcntl is None or path in _held:
        yield
        return
    lock = path.with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a")
    except OSError:  # a read-only store: compute without waiting, as when it is off
        yield
        return
    with handle:
        locked = _lock(handle, kind, network)
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)
            if locked:  # removed, so the store holds only entries; a process that waited on it reads the entry
                lock.unlink(missing_ok=True)
                fcntl.flock(handle, fcntl.LOCK_UN)


def _lock(handle, kind: str, network: str) -> bool:
    def attempt() -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    if attempt():
        return True
    with stage("waiting for another process", network, kind):
        deadline = time.monotonic() + LOCK_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if attempt():
                return True
    warnings.warn(f"another process has computed {kind} of {network or 'a network'} for over {LOCK_WAIT:.0f} s; "
                  "computing it here as well", stacklevel=4)
    return False


def _read(path: Path, key: str):
    try:
        entry = torch.load(path, weights_only=False, map_location="cpu")
        if entry.get("key") != key:
            raise ValueError("its key differs (another request under a colliding name)")
        os.utime(path)  # recently used: evicted last
        return entry["value"]
    except (OSError, RuntimeError, EOFError, KeyError, AttributeError, ValueError, TypeError, pickle.UnpicklingError,
            ModuleNotFoundError) as error:
        warnings.warn(f"recomputing: store entry {path} is stale or unreadable ({error})", stacklevel=4)
        return MISSING


def _write(path: Path, key: str, value) -> None:
    """Atomic: a reader sees the old entry or the new one, never half of one (xdist workers share the store)."""
    temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"key": key, "value": value}, temporary)
        os.replace(temporary, path)
    except (OSError, RuntimeError) as error:  # a full or read-only disk costs speed, never a result (torch.save
        # reports a full disk as a RuntimeError)
        temporary.unlink(missing_ok=True)
        warnings.warn(f"could not store {path}: {error}", stacklevel=3)


def _evict(directory: Path, limit: int, keep: Path) -> None:
    """Delete the least recently used entries until the store fits in `limit` bytes (never `keep`)."""
    entries = []
    for path in directory.glob("*/*.pt"):
        try:
            status = path.stat()
        except OSError:  # removed by another process meanwhile
            continue
        entries.append((status.st_mtime, status.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        if path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size


def clear() -> int:
    """Delete every entry; returns how many (`python -m probes.activations.store clear`)."""
    directory = store_dir()
    paths = list(directory.glob("*/*.pt")) if directory and directory.exists() else []
    for path in paths:
        path.unlink(missing_ok=True)
    return len(paths)


def usage() -> dict[str, tuple[int, int]]:
    """{kind: (entries, bytes)} of the store."""
    directory = store_dir()
    found: dict[str, tuple[int, int]] = {}
    for path in (directory.glob("*/*.pt") if directory and directory.exists() else []):
        count, size = found.get(path.parent.name, (0, 0))
        found[path.parent.name] = (count + 1, size + path.stat().st_size)
    return found


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["clear"]:
        print(f"deleted {clear()} entries from {store_dir()}")
    else:
        print(f"store at {store_dir()} (limit {limit_bytes() / 1e9:.1f} GB; ZOOM_IN_CACHE, ZOOM_IN_CACHE_GB)")
        for kind, (count, size) in sorted(usage().items()):
            print(f"  {kind:<24} {count:>5} entries {size / 1e6:>9.1f} MB")
        print("`python -m probes.activations.store clear` deletes them")

"""probes/allocator.py: glibc keeps freed memory for the next pass, and gives it back between claims; without glibc,
or turned off, nothing changes."""
import platform
import sys
from pathlib import Path

import pytest
import torch

from probes import allocator


def test_glibc_takes_the_settings_and_nothing_else_is_touched():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert allocator.keep_freed_memory() is glibc


def test_it_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("ZOOM_IN_KEEP_FREED_MEMORY", "0")
    assert allocator.keep_freed_memory() is False


def test_freed_memory_in_the_middle_of_the_heap_goes_back():
    """A block freed below one still in use stays resident after `keep_freed_memory()` (no threshold reaches it);
    `give_back_freed_memory()` returns it."""
    if not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"):
        pytest.skip("glibc only")
    allocator.keep_freed_memory()
    freed = torch.ones(50_000_000)  # 200 MB on the heap, every page written
    kept = torch.ones(1_000)  # above it, so the heap's top does not move when `freed` goes
    del freed
    before = resident_gb()
    assert allocator.give_back_freed_memory()
    assert resident_gb() <= before - 0.15
    del kept


def resident_gb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e9
    pytest.skip("this system does not say its resident memory")

"""How the C allocator hands large tensors back and forth, which decides much of a CPU run's speed on Linux.

glibc's malloc gives each large block (above 128 kB, a threshold that rises to at most 32 MB) its own fresh mapping
from the kernel and returns it when the block is freed, so every forward pass asks for its activations again and the
kernel zeroes each page before handing it over. On the 2-core machine of 2026-12-01 a Lite0 pass over 96 photographs
to blocks.5.expand spent 2.8 s in the kernel for 1.5 s of arithmetic: 4.3 s in all, 1.6 s with freed memory kept.
`keep_freed_memory()` tells glibc to serve large blocks from its heap and keep up to `KEEP_UP_TO` of what is freed
for the next pass. The price: a process's resident memory falls back less between passes.

The plugin calls it as pytest starts (in each xdist worker too), `python -m probes.discover` too; a notebook may.
Elsewhere than glibc it does nothing; ZOOM_IN_KEEP_FREED_MEMORY=0 turns it off. Freed blocks in the middle of the
heap stay resident whatever the threshold says, so between claims `give_back_freed_memory()` returns them.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4  # mallopt's parameters (malloc.h)
# Free bytes at the heap's top that glibc keeps rather than giving back. Four claim files on Lite0, on this machine:
# 171 s and 3.8 GB at most with the system's default, 107 s and 4.4 GB keeping up to 2 GB, 110 s and 4.0 GB keeping
# up to 1 GB, 131 s and 4.3 GB keeping up to 256 MB (every pass faulting its pages in again).
KEEP_UP_TO = 2 ** 30


def keep_freed_memory() -> bool:
    """Serve large blocks from the heap and keep freed memory (glibc); True when glibc took both settings."""
    if os.environ.get("ZOOM_IN_KEEP_FREED_MEMORY", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_UP_TO))


def give_back_freed_memory() -> bool:
    """Give every whole free page of the heap back to the system (glibc's malloc_trim), the middle of the heap
    included, which no threshold reaches; True when some went back. Called as each claim starts, so that a claim
    holds what it needs and not what the claims before it freed: measured on seven Lite0 claim files with two null
    twins, the largest claim fell from 3.5 to 3.2 GB and most from 3.2 to 1.3 GB, in the same time (1,454 s against
    1,449 s), because a claim's passes still reuse the memory its own earlier passes freed."""
    trim = _glibc("malloc_trim") if sys.platform.startswith("linux") else None
    if trim is None:
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return bool(trim(0))


def _glibc(function: str):
    """The C library's `function`, or None where there is none of that name (not glibc)."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), function)
    except (OSError, AttributeError):
        return None

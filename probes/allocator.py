"""How the C allocator hands large tensors back and forth, which decides much of a CPU run's speed on Linux.

glibc's malloc gives each large block (above 128 kB, a threshold that rises to at most 32 MB) its own fresh mapping
from the kernel and returns it when the block is freed, so every forward pass asks for its activations again and the
kernel zeroes each page before handing it over. On the 2-core machine of 2026-12-01 a Lite0 pass over 96 photographs
to blocks.5.expand spent 2.8 s in the kernel for 1.5 s of arithmetic: 4.3 s in all, 1.6 s with freed memory kept.
`keep_freed_memory()` tells glibc to serve large blocks from its heap and keep up to `KEEP_UP_TO` of what is freed
for the next pass. The price: a process's resident memory falls back less between passes.

The plugin calls it as pytest starts (in each xdist worker too), `python -m probes.discover` too; a notebook may.
Elsewhere than glibc it does nothing; ZOOM_IN_KEEP_FREED_MEMORY=0 turns it off.
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
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_UP_TO))

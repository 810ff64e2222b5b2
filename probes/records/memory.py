"""Where a run's memory goes: the most this process held in memory (its resident set) since a mark, so each claim's
ledger entry can say how much memory it took and a run can say which claims set its peak.

    if reset_peak():      # Linux: the kernel's high-water mark starts again from what is resident now
        ...
        peak_gb()         # the most resident since, in GB

Linux keeps the high-water mark (VmHWM in /proc/self/status) and resets it when "5" is written to
/proc/self/clear_refs. Where reset_peak() fails, peak_gb() would be the process's lifetime peak, which credits one
claim with another's memory: read it only after a reset. Read by people and benchmarks, never by tests of a claim.
"""
from __future__ import annotations

from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
RESET_PEAK = "5"  # clear_refs: reset the peak resident set size to the current one (Linux 4.0 and later)


def reset_peak() -> bool:
    """Start the high-water mark again from what is resident now; False where that cannot be done."""
    try:
        CLEAR_REFS.write_text(RESET_PEAK)
        return True
    except OSError:
        return False


def peak_gb() -> float | None:
    """The most memory resident at once since the last reset_peak() (or the process started), in GB; None where
    the system does not say."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e9  # the kernel counts kB (KiB)
    except (OSError, ValueError, IndexError):
        return None
    return None

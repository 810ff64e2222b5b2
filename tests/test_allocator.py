"""probes/allocator.py: glibc keeps freed memory for the next pass; without glibc, or turned off, nothing changes."""
import platform
import sys

from probes import allocator


def test_glibc_takes_the_settings_and_nothing_else_is_touched():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert allocator.keep_freed_memory() is glibc


def test_it_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("ZOOM_IN_KEEP_FREED_MEMORY", "0")
    assert allocator.keep_freed_memory() is False

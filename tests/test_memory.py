"""Peak memory per claim (probes.records.memory): the high-water mark starts again at each mark, so a claim is
credited with its own peak, not with one an earlier claim reached."""
import mmap

import pytest

from probes.records import memory

SIZE = 200_000_000  # bytes: an anonymous mapping, given back to the system when closed, whatever malloc keeps


def test_the_peak_is_counted_from_each_reset():
    if not memory.reset_peak():
        pytest.skip("this system cannot reset its peak resident memory (Linux's /proc/self/clear_refs)")
    before = memory.peak_gb()
    block = mmap.mmap(-1, SIZE)
    for offset in range(0, SIZE, mmap.PAGESIZE):  # every page written, so resident
        block[offset] = 1
    reached = memory.peak_gb()
    assert reached >= before + 0.19
    block.close()
    assert memory.reset_peak()
    assert memory.peak_gb() <= reached - 0.19


def test_the_peak_is_none_where_the_system_does_not_say(monkeypatch, tmp_path):
    monkeypatch.setattr(memory, "STATUS", tmp_path / "absent")
    monkeypatch.setattr(memory, "CLEAR_REFS", tmp_path / "nowhere" / "clear_refs")
    assert memory.peak_gb() is None
    assert memory.reset_peak() is False

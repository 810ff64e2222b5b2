import pytest

from probes.addressing import Address, UnknownNameError, parse_address


@pytest.mark.parametrize("text, expected", [
    ("mixed3b:379", Address("mixed3b", 379)),
    ("blocks.5.expand:85", Address("blocks.5.expand", 85)),
    ("blocks.5.expand", Address("blocks.5.expand")),
    (" conv2d0:0 ", Address("conv2d0", 0)),
])
def test_parse_round_trips(text, expected):
    address = parse_address(text)
    assert address == expected
    assert parse_address(str(address)) == address


@pytest.mark.parametrize("text", ["", ":3", "mixed3b:x", "mixed3b:-1"])
def test_malformed_addresses_are_refused(text):
    with pytest.raises(ValueError):
        parse_address(text)


def test_unknown_name_lists_close_matches():
    error = UnknownNameError("layer", "mixed3c", ["mixed3a", "mixed3b", "mixed4a"])
    assert "mixed3b" in str(error) and "mixed3a" in str(error)
    assert error.close_matches[:2] == ["mixed3a", "mixed3b"] or "mixed3b" in error.close_matches

"""Discovery: screening a model for families of units, kept apart from the claims that confirm them.

A screen uses its own stimulus set (recorded in the atlas with the family) so that claims can confirm on
other radii, widths and colours. `python -m probes.discover curves --model NAME` (or `high_low`) writes the family into
that model's atlas.
"""

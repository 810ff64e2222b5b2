"""Discovery: screening a model for families of units, kept apart from the claims that confirm them.

A screen uses its own stimulus set (probes/stimuli/protocol.py, recorded in the atlas with the family) so that
claims can confirm on other radii, widths and colours. `python -m probes.discover FAMILY --model NAME` writes the
family into that model's atlas; `SCREENS` in probes/discover/__main__.py maps each family to its screen module.

A screen module is an extension point. A per-layer screen (curves.py, high_low.py, edges.py) defines:

    DISCOVERY       its stimulus protocol (imported from probes.stimuli.protocol), written into the provenance
    CRITERIA        one line saying what a unit must show to qualify
    screen_layer(model, layer, natural_images) -> screening.LayerScreen
                    whose unit records have `unit`, `preferred_orientation`, `vector_strength`, `qualifies`

and may define MIN_FIELD (smallest receptive field screened; default screening.MIN_FIELD), EARLIEST (stop at the
first layer holding a family), `choose_family(screens)` and `family_gap(screen)` (defaults in screening.py), and
`describe_family(model, family)` (what the family measurably prefers, e.g. high-low's texture periods). A screen
that is not per layer (facing.py: mirror pairs and the union units after them; polysemantic.py: units answering
unrelated concepts) defines `find_families(model, natural, layers=, atlas=, provenance=)` -> (families, notes)
instead. rescreen.py puts a null twin through the same screens at the trained families' layers.
"""

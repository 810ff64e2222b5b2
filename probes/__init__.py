"""Instruments for testing claims about features and circuits in vision networks.

A plain library, usable outside pytest: models (`probes.models`), activation capture
(`probes.capture`), receptive fields, natural images, synthetic stimuli, tuning analysis,
feature visualization, atlases and evidence.
"""

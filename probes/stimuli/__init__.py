"""Synthetic stimuli rendered in torch: curves, lines, angles, circles, high-low frequency boundaries."""

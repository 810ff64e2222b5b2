"""Activations of a network on photographs and stimuli: capture (forward hooks, stopping at the deepest layer asked
for), the disk store that keeps costly measurements between runs, receptive fields, activation health."""

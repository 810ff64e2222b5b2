"""Circuits: units joined by weights. Expanded weights, ablations and readers, weight edits, arcs read off the weights,
predictions from weights alone, rotation equivariance, and the handwritten curve detector."""

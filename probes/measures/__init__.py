"""Measures of units and families: orientation tuning, local spectral energy, logistic readouts, unit matching and CKA
across networks, and the random-unit baselines a family is compared with."""

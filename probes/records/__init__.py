"""What a run records and reads: atlases of families, predictions and evidence with their intervals, provenance digests,
timing by stage, figures, and the published figure data replications compare with."""

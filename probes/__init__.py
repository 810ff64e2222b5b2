"""Instruments for testing claims about features and circuits in vision networks: a plain library, usable outside
pytest (the plugin, zoom_in_claims, is built on it).

    zoo, addressing, defaults   the nouns: a loaded Model and its layers, `layer:unit` names, each default once
    models/        the zoo's networks, their weights, user models, null twins; catalogue.load_model
    stimuli/       the families' discovery and confirmation protocols, and the stimuli drawn from them
    photographs/   natural photographs, their split, streaming top examples, mirror images, WordNet concepts
    activations/   capture, the disk store, measured objects shared by claims and notebooks, receptive fields
    measures/      tuning, spectral energy, readouts, matching across networks, random-unit baselines
    circuits/      expanded weights, ablations, edits, weights read along arcs, equivariance
    records/       atlases, predictions and evidence, provenance, timing, figures, published data
    constructed/   positive controls and near misses with hand-set weights, and their independence check
    discover/      the discovery screens, one per family; featurevis/ feature visualisation

No import path leads from a module back to itself (tests/test_import_graph.py), so each reads from what it imports.
"""

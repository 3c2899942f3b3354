"""Generators of the synthetic datasets shipped in ``datasets/``.

Each module makes one dataset from a fixed seed; ``valuelab.data.datasets``
registers them and ``valuelab datasets regenerate`` rewrites the files.
"""

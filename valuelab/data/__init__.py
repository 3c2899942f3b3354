"""The data: the shipped datasets (loaded by name), their seeded synthetic generators, and
result tables written out (:mod:`valuelab.data.export`)."""

from valuelab.data.datasets import (
    DatasetSpec,
    data_dir,
    data_file,
    generate,
    info,
    list_datasets,
    load,
    load_spotify_annual,
    path,
    regenerate,
)

__all__ = [
    "DatasetSpec",
    "data_dir",
    "data_file",
    "generate",
    "info",
    "list_datasets",
    "load",
    "load_spotify_annual",
    "path",
    "regenerate",
]

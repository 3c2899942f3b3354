"""The data: the shipped datasets (loaded by name) and their seeded synthetic generators."""

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

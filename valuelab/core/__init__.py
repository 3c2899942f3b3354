"""The ground every other wing stands on: the error hierarchy and input validation."""

from valuelab.core.errors import InputError, ValueLabError, format_rows
from valuelab.core.validation import Column, check_number, validate_frame

__all__ = [
    "Column",
    "InputError",
    "ValueLabError",
    "check_number",
    "format_rows",
    "validate_frame",
]

"""The ground every other wing stands on: errors, input checks, integer codes, quantities."""

from valuelab.core.codes import integer_codes
from valuelab.core.errors import InputError, ValueLabError, format_rows
from valuelab.core.quantities import (
    QUANTITIES,
    Quantity,
    format_change,
    format_value,
    quantity,
)
from valuelab.core.validation import (
    Column,
    check_number,
    check_numbers,
    parse_bool,
    validate_frame,
)

__all__ = [
    "QUANTITIES",
    "Column",
    "InputError",
    "Quantity",
    "ValueLabError",
    "check_number",
    "check_numbers",
    "format_change",
    "format_rows",
    "format_value",
    "integer_codes",
    "parse_bool",
    "quantity",
    "validate_frame",
]

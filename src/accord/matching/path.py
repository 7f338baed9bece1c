"""Path expressions, as the matching engine uses them (defined in :mod:`accord.model.paths`)."""

from accord.model.paths import (
    ANY_INDEX,
    STAR,
    Location,
    Token,
    names,
    parse_path,
    to_expression,
    try_parse_path,
    weight,
)

__all__ = [
    "ANY_INDEX",
    "STAR",
    "Location",
    "Token",
    "names",
    "parse_path",
    "to_expression",
    "try_parse_path",
    "weight",
]

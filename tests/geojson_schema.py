"""A JSON Schema for the GeoJSON the app exports: RFC 7946's rules for a FeatureCollection of
Point (or unlocated) features, checked with the `jsonschema` package.

Shared by the pure export tests and the browser test that downloads the file.
"""

from __future__ import annotations

import jsonschema

_POSITION = {
    "type": "array",
    "minItems": 2,
    "maxItems": 3,
    # RFC 7946 §3.1.1 and §4: longitude first, then latitude, in WGS84 degrees.
    "prefixItems": [
        {"type": "number", "minimum": -180, "maximum": 180},
        {"type": "number", "minimum": -90, "maximum": 90},
        {"type": "number"},
    ],
}

GEOJSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"$ref": "#/$defs/feature"}},
    },
    # RFC 7946 §4: no "crs" member; coordinates are always WGS84.
    "not": {"required": ["crs"]},
    "$defs": {
        "feature": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                # §3.2: an id is a string or a number.
                "id": {"type": ["string", "number"]},
                # §3.2: null geometry for a feature with no location.
                "geometry": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/point"}]},
                "properties": {"type": ["object", "null"]},
            },
            "not": {"required": ["crs"]},
        },
        "point": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": "Point"}, "coordinates": _POSITION},
        },
    },
}


def validate_geojson(document: object) -> None:
    """Raise jsonschema.ValidationError unless `document` is a valid point FeatureCollection."""
    jsonschema.Draft202012Validator.check_schema(GEOJSON_SCHEMA)
    jsonschema.Draft202012Validator(GEOJSON_SCHEMA).validate(document)

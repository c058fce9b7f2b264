"""Release formats: one module per format, each with the same small interface.

An exporter module defines FORMAT (folder name), SUFFIX, MEDIATYPE, a
`write(table, schema, path)` function, and optionally `descriptor_schema(schema)`
when the format needs the Table Schema adjusted for frictionless readers.
Adding a format means adding a module and naming it here.
"""

from . import csv, json, parquet

EXPORTERS = (csv, parquet, json)

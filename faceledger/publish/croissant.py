"""croissant.json: the release described in MLCommons Croissant 1.0, for dataset search and ML tools.

It is written from the release's own descriptors, once every format folder is
in place: each file they list becomes a FileObject with its size and SHA-256,
and each resource of the CSV descriptor a RecordSet whose fields, keys and
references come from its inline Table Schema. Paths are relative to the release
folder, where croissant.json sits; it describes the whole release, so it
travels as a file of its own and not inside the per-format zips.

This module imports nothing heavy: verify reads NAME from it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.schema import Field, Schema
from ..core.timestamps import ZIP_EPOCH

NAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
# The format whose files the record sets read: every Croissant reader reads CSV.
RECORDS_FROM = "csv"
DESCRIPTOR = "datapackage.json"

# The JSON-LD context Croissant 1.0 defines for its documents.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# Table Schema types as schema.org data types. A list is text in the CSV (items joined by its
# delimiter), and Croissant 1.0 has no way to split a cell into repeated values.
DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
    "year": "sc:Integer",
    "list": "sc:Text",
}


def write(folder: Path, formats: list[str], stamp: datetime) -> None:
    """Write croissant.json into the release `folder`, whose `formats` folders each hold a descriptor."""
    descriptors = {fmt: _read(folder / fmt / DESCRIPTOR) for fmt in formats}
    document = render(descriptors, stamp)
    (folder / NAME).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render(descriptors: dict[str, dict[str, Any]], stamp: datetime) -> dict[str, Any]:
    """The Croissant document for a release whose format folders hold `descriptors`, by folder."""
    package = descriptors[RECORDS_FROM]
    meta: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": package.get("name", ""),
        "alternateName": package.get("title", ""),
        "description": package.get("description", ""),
        "version": package.get("version", ""),
        # A release without a dated CHANGELOG entry is stamped with the zip format's epoch: no date.
        "datePublished": stamp.date().isoformat() if stamp.date() > ZIP_EPOCH.date() else "",
        "url": package.get("homepage", ""),
        "license": _licence(package),
        "keywords": package.get("keywords", []),
        "creator": [
            {"@type": "sc:Organization", "name": person.get("title", "")}
            for person in package.get("contributors", [])
            if "creator" in person.get("roles", [])
        ],
        "citeAs": cite_as(package),
    }
    meta = {k: v for k, v in meta.items() if v not in ("", [])}
    meta["distribution"] = [
        _file_object(fmt, resource)
        for fmt, descriptor in descriptors.items()
        for resource in descriptor["resources"]
    ]
    meta["recordSet"] = [_record_set(resource) for resource in package["resources"]]
    return meta


def cite_as(package: dict[str, Any]) -> str:
    """A BibTeX entry for the release, as Croissant's citeAs recommends."""
    entries = {
        "title": package.get("title") or package.get("name", ""),
        "author": " and ".join(
            "{" + person.get("title", "") + "}"
            for person in package.get("contributors", [])
            if "creator" in person.get("roles", [])
        ),
        "version": package.get("version", ""),
        "url": package.get("homepage", ""),
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in entries.items() if value)
    return f"@misc{{{package.get('name', 'dataset')}_{package.get('version', '')},\n{body}\n}}"


def _licence(package: dict[str, Any]) -> str:
    licences = package.get("licenses") or [{}]
    return str(licences[0].get("path") or licences[0].get("name") or "")


def _file_object(fmt: str, resource: dict[str, Any]) -> dict[str, Any]:
    rel = f"{fmt}/{resource['path']}"
    return {
        "@type": "cr:FileObject",
        "@id": rel,
        "name": rel,
        "description": f"{resource['name']} ({fmt})",
        "contentUrl": rel,
        "contentSize": f"{resource['bytes']} B",
        "encodingFormat": resource["mediatype"],
        "sha256": str(resource["hash"]).removeprefix("sha256:"),
    }


def _record_set(resource: dict[str, Any]) -> dict[str, Any]:
    name = resource["name"]
    schema = Schema.from_dict(resource["schema"], name)
    source = {"fileObject": {"@id": f"{RECORDS_FROM}/{resource['path']}"}}
    fields = []
    for spec in schema.fields:
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{name}/{spec.name}",
            "name": spec.name,
            "description": spec.description,
            "dataType": _data_type(spec),
            "source": {**source, "extract": {"column": spec.name}},
        }
        target = schema.reference(spec.name)
        # A reference to the record set's own rows (an organization's parent) is left out: Croissant
        # readers join each reference as a step before the record set, which would need itself.
        if target is not None and not target.self_reference and len(target.reference_fields) == 1:
            field["references"] = {"field": {"@id": f"{target.resource}/{target.reference_fields[0]}"}}
        fields.append(field)
    record = {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": schema.description or resource.get("title", name),
        "key": [{"@id": f"{name}/{column}"} for column in schema.primary_key],
        "field": fields,
    }
    return {k: v for k, v in record.items() if v not in ("", [])}


def _data_type(spec: Field) -> str:
    if spec.type == "string" and spec.format == "uri":
        return "sc:URL"
    try:
        return DATA_TYPES[spec.type]
    except KeyError:
        raise ValueError(f"field {spec.name!r}: no schema.org data type for {spec.type!r}") from None


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data

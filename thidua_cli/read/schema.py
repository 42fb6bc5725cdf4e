"""JSON Schemas of the two file shapes, generated from the models, for editors and CI.

The models accept a few shorthands that pydantic cannot see from the types alone (evidence
written as plain text, a result written as a bare value, dates as 30/06/2026, `locality: phường`,
`comparator: trên`, `target: true` on a yes/no indicator); the schemas are
widened for those, so that every file `thidua validate` accepts also passes the schema.
"""

from __future__ import annotations

import json
from typing import Any

from thidua_cli.read.models import COMPARATOR_WORDS, Catalogue, Unit
from thidua_cli.read.types import BOOL_WORD_SCHEMA, CODE

UNIT_SCHEMA = "unit.schema.json"
CATALOGUE_SCHEMA = "indicators.schema.json"


def _widen(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs", {})
    if "Evidence" in defs:
        defs["Evidence"] = {
            "anyOf": [{"type": "string", "minLength": 1}, defs["Evidence"]],
            "description": "Số văn bản, hoặc {file: …}, {url: …}, {doc: …}",
        }
    if "Result" in defs:
        result = defs["Result"]
        result["properties"]["evidence"] = {
            "anyOf": [
                {"$ref": "#/$defs/Evidence"},
                {"type": "array", "items": {"$ref": "#/$defs/Evidence"}},
            ]
        }
        defs["Result"] = {
            "anyOf": [{"type": ["number", "boolean", "null"]}, BOOL_WORD_SCHEMA, result]
        }
    if "Locality" in defs:
        defs["Locality"] = {
            "anyOf": [{"type": "string", "minLength": 1}, defs["Locality"]],
            "description": "Cấp chính quyền: `phường`, hoặc {level: …, body: …, council: …}",
        }
    if "Indicator" in defs:
        props = defs["Indicator"]["properties"]
        props["comparator"]["enum"] = [*props["comparator"]["enum"], *sorted(COMPARATOR_WORDS)]
        props["target"]["anyOf"] = [{"type": "number"}, {"type": "boolean"}, {"type": "null"}]
    if "PhaseReport" in defs:
        defs["PhaseReport"]["properties"]["values"]["propertyNames"] = {"pattern": CODE}
    return schema


def unit_schema() -> dict[str, Any]:
    schema = Unit.model_json_schema()
    schema["title"] = "Tệp đơn vị thi đua (thidua)"
    return _widen(schema)


def catalogue_schema() -> dict[str, Any]:
    schema = Catalogue.model_json_schema()
    schema["title"] = "Danh mục phong trào thi đua (thidua)"
    return _widen(schema)


def dumps(schema: dict[str, Any]) -> str:
    body = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=2) + "\n"

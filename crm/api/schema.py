"""OpenAPI post-processing: every operation documents the shared error format and its status codes."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string", "example": "Invalid input."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "example": {"siret": ["A SIRET number has exactly 14 digits."]},
                },
            },
        }
    },
}

ERROR_RESPONSES = {
    "400": "Invalid input: malformed JSON, wrong types, unknown fields, references to records you cannot see.",
    "401": "Missing, invalid or revoked token.",
    "403": "Your role does not allow this action.",
    "404": "No such record, or one you may not see.",
    "409": "Refused by a workflow rule, or a stale version (optimistic concurrency).",
    "429": "Too many requests for this token: retry later.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result

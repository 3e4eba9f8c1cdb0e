"""OpenAPI post-processing: every operation documents the errors the API can really answer with."""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
FIELD_ERRORS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}

DESCRIPTIONS = {
    "400": "Invalid input: a list of messages per field. Nothing was changed.",
    "401": "Not authenticated.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such object among those you may see.",
    "429": "Too many requests; try again later.",
}


def _response(code: str) -> dict:
    schema = FIELD_ERRORS if code == "400" else ERROR_REF
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
    })
    for path, operations in result.get("paths", {}).items():
        for method, op in operations.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            needs = set()
            if op.get("parameters") or op.get("requestBody"):
                needs.add("400")
            security = op.get("security")
            anonymous_allowed = security is None or any(item == {} for item in security)
            if security and not all(item == {} for item in security):
                needs.update({"401", "403"})
            if not anonymous_allowed or method != "get":
                needs.update({"401", "403"})
            for param in op.get("parameters", []):
                # An empty filter value means "any" (as from an HTML form): say so in the contract.
                schema = param.get("schema", {}) if isinstance(param, dict) else {}
                if param.get("in") != "query":
                    continue
                if "enum" in schema and "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
                elif schema.get("type") in ("integer", "number", "boolean"):
                    param["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
                elif schema.get("type") == "string" and not ({"pattern", "format", "enum"} & set(schema)):
                    # Free text as a form field takes it: any characters but NUL (refused with a 400).
                    schema["pattern"] = "^[^\\x00]*$"
            params = {p.get("name") for p in op.get("parameters", []) if isinstance(p, dict)}
            if "{" in path or "page" in params:  # an unknown object, or a page past the end
                needs.add("404")
            needs.add("429")
            for code in needs:
                responses.setdefault(code, _response(code))
    return result

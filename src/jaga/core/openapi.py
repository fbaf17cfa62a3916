"""What every API answer can be, written into the OpenAPI schema once (a drf-spectacular hook).

Each view documents its own successes and the refusals particular to it; the refusals that any view
of a kind can give are added here, so that the schema is true to the answers (a fuzzer that compares
the two finds no undocumented status): 401 and 403 wherever credentials are needed, 400 wherever a
request carries parameters or a body, 404 wherever a path names an object or a list is paged, 415
wherever a body is read (the API reads JSON only).
"""

from __future__ import annotations

from typing import Any

STANDARD = {
    "400": "Invalid input: an object of field names to messages",
    "401": "No or invalid credentials",
    "403": "Your role does not allow this",
    "404": "Not found (outside your scope, or a page past the end of the list)",
    "415": "The body is not JSON (Content-Type: application/json)",
}


def _add(responses: dict[str, Any], status: str) -> None:
    responses.setdefault(status, {"description": STANDARD[status]})


NO_NUL = "^[^\\u0000]*$"


# Required text is trimmed and must keep one character that is not white space (as Python's
# str.strip() sees it: ECMA's \s lacks the information separators and NEL, so they are named too).
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"


def _no_nul_in_text(schema: Any) -> None:
    """Text never holds a NUL character (the API refuses one): say so wherever the schema has free text."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and not ({"pattern", "format", "enum", "$ref"} & set(schema)):
            schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
        for value in schema.values():
            _no_nul_in_text(value)
    elif isinstance(schema, list):
        for item in schema:
            _no_nul_in_text(item)


def add_standard_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for path, item in result.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            security = operation.get("security")
            if security and {} not in security:
                _add(responses, "401")
                _add(responses, "403")
            parameters = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            if parameters or "requestBody" in operation:
                _add(responses, "400")
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                _add(responses, "404")
            if "requestBody" in operation:
                _add(responses, "415")
            _no_nul_in_text(operation.get("parameters", []))
    _no_nul_in_text(result.get("components", {}).get("schemas", {}))
    return result

"""Browsable API documentation rendered on the server from the OpenAPI schema.

Accessible and translatable like every other page; Swagger UI stays available as an interactive
console at /api/docs/try/ (third-party markup, see README).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

from jaga.core.doors import public

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": body.get("$ref", "").rsplit("/", 1)[-1],
                    "responses": sorted(operation.get("responses", {})),
                    "public": {} in operation.get("security", []) or not operation.get("security"),
                }
            )
    return operations


@require_GET
@public("the API's documentation (what it offers, never data)")
def api_docs_view(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    return render(
        request,
        "core/api_docs.html",
        {"info": schema["info"], "operations": _operations(schema), "components": components},
    )

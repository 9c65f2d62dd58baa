"""``GET /api/v1/openapi.json``: OpenAPI 3.1, generated from the route table and the pydantic
models' JSON schemas (so it cannot drift from what the routes accept and answer)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from salesplan.core import __version__
from salesplan.core.server.routing import Route
from salesplan.core.server.schemas import ErrorOut

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"{(\w+)}")
ERRORS = {
    "401": "No, a bad or a revoked token, or a disabled account",
    "403": "Not allowed by the caller's role",
    "404": "Unknown, or not visible to the caller",
    "422": "Bad input: `field` names it",
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, model: type[BaseModel], mode: str = "validation") -> dict[str, Any]:
        schema = model.model_json_schema(by_alias=True, ref_template=REF, mode=mode)  # type: ignore[arg-type]
        self.components.update(schema.pop("$defs", {}))
        self.components[model.__name__] = schema
        return {"$ref": REF.format(model=model.__name__)}

    def parameters(self, model: type[BaseModel]) -> list[dict[str, Any]]:
        schema = model.model_json_schema(by_alias=True, ref_template=REF)
        self.components.update(schema.pop("$defs", {}))
        required = set(schema.get("required", []))
        found = []
        for name, prop in schema.get("properties", {}).items():
            description = prop.pop("description", None)
            parameter: dict[str, Any] = {"name": name, "in": "query",
                                         "required": name in required, "schema": prop}
            if description:
                parameter["description"] = description
            found.append(parameter)
        return found


def _operation(route: Route, schemas: _Schemas) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in PATH_PARAMETER.findall(route.path)
    ]
    if route.query is not None:
        parameters.extend(schemas.parameters(route.query))
    parameters.extend({"name": header, "in": "header", "required": False,
                       "schema": {"type": "string", "maxLength": 200},
                       "description": "The same key (per member) answers the same and writes "
                                      "nothing more."}
                      for header in route.headers)
    success: dict[str, Any] = {"description": "Success"}
    if route.response is not None:
        success["content"] = {"application/json": {
            "schema": schemas.ref(route.response, "serialization")}}
    error = {"content": {"application/json": {"schema": schemas.ref(ErrorOut,
                                                                     "serialization")}}}
    responses: dict[str, Any] = {str(route.status): success}
    for status, description in ERRORS.items():
        if route.public and status in ("401", "403"):
            continue
        responses[status] = {"description": description, **error}
    slug = re.sub(r"[^a-z0-9]+", "_", route.path.lower()).strip("_")
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": f"{route.method.lower()}_{slug}",
        "tags": [route.tag],
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": schemas.ref(route.body)}}}
    operation["security"] = [] if route.public else [{"bearer": []}]
    return operation


def openapi_document(routes: Iterable[Route], server_url: str | None = None) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schemas)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "salesplan API", "version": __version__,
                 "description": "Team access to salesplan (SPEC §11): Bearer tokens from "
                                "`salesplan token create MEMBER`."},
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
    if server_url:
        document["servers"] = [{"url": server_url.rstrip("/")}]
    return document

"""The route table of the server and how a route becomes an aiohttp handler.

A ``Route`` says everything about one endpoint — method, path, handler, summary, the pydantic
models of its body, query and answer, its success status — so that mounting it, validating
its input and describing it in OpenAPI all read the same table. Handlers are plain functions
of an ``ApiCall``, run in a worker thread (``asyncio.to_thread``): the database never blocks
the event loop. On SQLite, writing routes take the server's write lock in their thread.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from salesplan.core.api_routes import ApiCall
from salesplan.core.errors import AuthenticationError, DataError, SalesplanError
from salesplan.core.server.state import ACTOR, STATE, ServerState

if TYPE_CHECKING:
    from salesplan.core.access import Actor

Handler = Callable[[ApiCall[Any]], Any]


@dataclass(frozen=True)
class Reply:
    """A handler's answer with another status than the route's (201, 200 on a replay)."""

    status: int
    payload: Any


@dataclass(frozen=True)
class Route:
    """One endpoint of the server (the kernel's and the plugins' API routes alike)."""

    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    public: bool = False
    """Answers without a token (the OpenAPI description)."""
    tag: str = "salesplan"
    fields: Mapping[str, str] = field(default_factory=dict)
    """Service argument → API field, for the ``field`` of a 422 (``action_type`` → ``type``)."""
    headers: tuple[str, ...] = ()
    """Request headers the route reads (documented in OpenAPI: ``Idempotency-Key``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN or Infinity, no number beyond a float's range."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                          parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"the body is not valid JSON: {exc}", field="body") from None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _no_nul(data: Mapping[str, Any]) -> None:
    """Refuse a NUL character anywhere in the input (PostgreSQL text cannot hold one)."""
    for name, value in data.items():
        if _has_nul(name) or _has_nul(value):
            raise DataError(f"{name}: text must not contain a NUL character", field=name)


def validation_error(exc: ValidationError) -> DataError:
    """The first problem pydantic found, as one message naming its field."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or None
    message = str(first["msg"]).removeprefix("Value error, ")
    return DataError(f"{where}: {message}" if where else message, field=where)


def _validate(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def _query(route: Route, request: web.Request) -> BaseModel | None:
    if route.query is None:
        return None
    values: dict[str, str] = {}
    for name in request.query:
        given = request.query.getall(name)
        if len(given) > 1:
            raise DataError(f"{name}: given {len(given)} times", field=name)
        values[name] = given[0]
    _no_nul(values)
    return _validate(route.query, values)


async def _body(route: Route, request: web.Request) -> BaseModel | None:
    if route.body is None:
        return None
    raw = await request.read()
    data = parse_json(raw) if raw.strip() else {}
    if not isinstance(data, dict):
        raise DataError("the body must be a JSON object", field="body")
    _no_nul(data)
    return _validate(route.body, data)


def _payload(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return value


def json_response(payload: Any, status: int) -> web.Response:
    text = json.dumps(_payload(payload), ensure_ascii=False, separators=(",", ":"))
    return web.Response(text=text, status=status, content_type="application/json")


def _renamed(route: Route, exc: SalesplanError) -> SalesplanError:
    if exc.field is not None and exc.field in route.fields:
        exc.field = route.fields[exc.field]
    return exc


def _call_in_thread(state: ServerState, route: Route, call: ApiCall[Any]) -> Any:
    if route.method == "GET" or not state.serial_writes:
        return route.handler(call)
    with state.write_lock:
        return route.handler(call)


def endpoint(route: Route) -> Callable[[web.Request], Any]:
    """The aiohttp handler of a route: authentication checked (by the middleware), input
    validated, the handler run in a thread, its answer as JSON."""

    async def handle(request: web.Request) -> web.Response:
        actor: Actor | None = request.get(ACTOR)
        if actor is None and not route.public:
            raise AuthenticationError("missing Bearer token")
        _no_nul(dict(request.match_info))
        query = _query(route, request)
        body = await _body(route, request)
        state = request.app[STATE]
        call: ApiCall[Any] = ApiCall(
            app=state.ctx, actor=actor,  # type: ignore[arg-type]
            body=body, query=query, path=dict(request.match_info), headers=request.headers)
        try:
            if inspect.iscoroutinefunction(route.handler):
                result = await route.handler(call)
            else:
                result = await asyncio.to_thread(_call_in_thread, state, route, call)
        except SalesplanError as exc:
            raise _renamed(route, exc) from None
        if isinstance(result, Reply):
            return json_response(result.payload, result.status)
        return json_response(result, route.status)

    handle.salesplan_public = route.public  # type: ignore[attr-defined]
    return handle


def add_routes(app: web.Application, routes: list[Route]) -> None:
    """Mount ``routes`` on ``app`` and list them in its OpenAPI description."""
    state = app[STATE]
    for route in routes:
        app.router.add_route(route.method, route.path, endpoint(route))
        state.routes.append(route)

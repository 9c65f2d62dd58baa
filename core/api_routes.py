"""The contract of a plugin's HTTP API routes (``salesplan_api_routes``), free of aiohttp.

A plugin returns ``ApiRoute`` objects; ``salesplan serve`` mounts each under
``/api/v1/plugins/<plugin>/<path>`` behind the same Bearer authentication as the kernel's
routes, validates the query string and the JSON body with the route's pydantic models, runs
the handler in a worker thread (it may use the database) and answers with what it returns
as JSON. Errors follow the API's rules: a ``SalesplanError`` becomes 401/403/404/422 as for
the kernel's routes, and bad input is a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from salesplan.core.access import Actor

AppT = TypeVar("AppT")

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
METHODS: tuple[Method, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class ApiCall(Generic[AppT]):
    """What a route handler receives.

    ``app`` is the ``AppContext`` (generic so this contract never imports it; annotate
    ``ApiCall[AppContext]``), ``actor`` the authenticated caller (member and role: pass it
    to every service call), ``body`` and ``query`` the validated models (None when the
    route declares none), ``path`` the ``{name}`` parts of the path, ``headers`` the request
    headers.
    """

    app: AppT
    actor: Actor
    body: BaseModel | None = None
    query: BaseModel | None = None
    path: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiRoute:
    """One route of a plugin: ``GET /hello`` becomes ``GET /api/v1/plugins/<plugin>/hello``.

    ``handler(call)`` returns a JSON-able value (dict, list, str, number, None) or a pydantic
    model; it runs in a worker thread. ``body`` (for POST, PUT, PATCH) and ``query`` are
    pydantic models validating the JSON body and the query string; ``response`` documents
    the answer in the OpenAPI description; ``status`` is the status of a success.
    """

    method: Method
    path: str
    handler: Callable[[ApiCall[Any]], Any]
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200

"""The server shell of ``salesplan serve``: one aiohttp application on one port.

aiohttp, because the browser cockpit (the ``cockpit`` plugin, SPEC §11) is the Textual app
served by textual-serve, which is built on aiohttp: the cockpit's pages and websocket and this
JSON API then share one application, one port, one event loop and one access log.

- ``app.make_app`` — the application factory, and the seam others build on (``add_routes``,
  ``setup`` callables);
- ``auth`` — Bearer-token middleware for ``/api/``; ``errors`` — the JSON error answers;
  ``accesslog`` — one JSON line per request;
- ``routing`` — the route table's ``Route`` and how a route becomes a handler (validation,
  worker threads); ``api`` — the kernel's routes; ``plugin_routes`` — the plugins'
  (``salesplan_api_routes``); ``openapi`` — the description, generated from the table;
- ``schemas`` and ``serialize`` — the pydantic models and the rows as JSON;
- ``ticket`` — the app process's side of a cockpit launch ticket (run by ``salesplan tui``);
- ``run`` — ``serve``: the application with each ``salesplan_web_setup`` callable applied.

Database work always runs in a thread (``asyncio.to_thread``): the event loop never blocks
on SQLite or PostgreSQL.
"""

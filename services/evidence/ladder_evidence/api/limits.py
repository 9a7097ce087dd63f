"""Request bodies are refused over a size limit while they are read, before anything parses them.

A route class rather than a middleware, so the evidence routers carry it
without touching the kit's app; it belongs in ``ladder_runtime`` once a second
service needs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

MAX_REQUEST_BYTES = 16 * 1024
"""Far above any valid evidence request (a summary is at most 500 characters, a link 2048)."""


class SizeLimitedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()

        async def handle_within_limit(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
                return _too_large()
            body = bytearray()
            async for chunk in request.stream():  # also bounds chunked bodies that declare no length
                body.extend(chunk)
                if len(body) > MAX_REQUEST_BYTES:
                    return _too_large()

            async def replay() -> dict:
                return {"type": "http.request", "body": bytes(body), "more_body": False}

            return await handle(Request(request.scope, replay))

        return handle_within_limit


def _too_large() -> JSONResponse:
    return JSONResponse({"detail": f"request body: larger than the {MAX_REQUEST_BYTES} byte limit"}, status_code=413)

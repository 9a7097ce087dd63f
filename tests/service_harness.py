"""Run real services in-process for tests: migrations, lifespan, and an HTTP client on the ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
from asgi_lifespan import LifespanManager

from ladder_runtime.auth import TokenIssuer
from ladder_runtime.service import ServiceRuntime
from ladder_runtime.settings import ServiceSettings


@dataclass
class RunningService:
    runtime: ServiceRuntime
    http: httpx.AsyncClient

    def token(self, subject: str = "tester", *scopes: str) -> dict[str, str]:
        issuer: TokenIssuer = self.runtime.token_issuer
        return {"Authorization": f"Bearer {issuer.issue(subject, scopes)}"}


@contextlib.asynccontextmanager
async def running_service(
    bootstrap: Callable[[ServiceSettings], ServiceRuntime], settings: ServiceSettings
) -> AsyncIterator[RunningService]:
    runtime = bootstrap(settings)
    await asyncio.to_thread(runtime.migrate)
    app = runtime.http_app()
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        await asyncio.wait_for(runtime.broker_connected.wait(), 30)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{settings.service_name}") as client:
            yield RunningService(runtime, client)

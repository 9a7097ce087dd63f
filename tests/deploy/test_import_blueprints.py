"""deploy/compose/import_blueprints.py (the Compose one-shot job) against a real HTTP server
with the roles API's contract: multipart field ``document`` and a bearer token with the
``roles:write`` scope, verified by the runtime kit's own dependency."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Annotated

import pytest
import uvicorn
from fastapi import Depends, FastAPI, File, HTTPException, UploadFile
from ladder_runtime.auth import Principal, Scopes, TokenIssuer, require_scopes

from tests.deploy.support import REPO

SECRET = "test-secret-" + "x" * 40
SEEDS = REPO.parent / "shared" / "seeds"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_blueprints", REPO / "deploy/compose/import_blueprints.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RolesApi:
    def __init__(self) -> None:
        self.received: list[tuple[str, bytes, str]] = []
        app = FastAPI()
        app.state.token_issuer = TokenIssuer(SECRET)

        @app.get("/readyz")
        async def readyz() -> dict[str, str]:
            return {"status": "ready"}

        @app.post("/v1/blueprints", status_code=201)
        async def import_blueprint(
            principal: Annotated[Principal, Depends(require_scopes(Scopes.ROLES_WRITE))],
            document: Annotated[UploadFile, File()],
        ) -> dict[str, str]:
            content = await document.read()
            if content.startswith(b"REJECT"):
                raise HTTPException(422, "document: not a role blueprint")
            self.received.append((document.filename or "", content, principal.subject))
            return {"summary": "imported"}

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def roles_api() -> Iterator[RolesApi]:
    api = RolesApi()
    thread = threading.Thread(target=api.server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not api.server.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.05)
    yield api
    api.server.should_exit = True
    thread.join(10)


def run(monkeypatch: pytest.MonkeyPatch, api: RolesApi, seeds: Path, secret: str = SECRET) -> int:
    monkeypatch.setenv("ROLES_URL", api.url)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("LADDER_AUTH_SECRET", secret)
    monkeypatch.setenv("READY_TIMEOUT_S", "10")
    return load_script().main()


def test_posts_every_blueprint_with_a_roles_write_token(
    roles_api: RolesApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "000_profile.txt").write_text("Role: Specialist\n- Metric: uptime\n")
    (tmp_path / "002 post.json").write_bytes(b'{"content": {"rendered": "<h2>1. Role</h2>\\u00e9"}}')
    (tmp_path / ".hidden").write_text("not a blueprint")
    assert run(monkeypatch, roles_api, tmp_path) == 0
    assert roles_api.received == [
        ("000_profile.txt", b"Role: Specialist\n- Metric: uptime\n", "import-blueprints"),
        ("002 post.json", b'{"content": {"rendered": "<h2>1. Role</h2>\\u00e9"}}', "import-blueprints"),
    ]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")
def test_posts_the_shared_seeds_unchanged(roles_api: RolesApi, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, roles_api, SEEDS) == 0
    expected = sorted((p.name, p.read_bytes()) for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))
    assert [(name, content) for name, content, _ in roles_api.received] == expected


def test_fails_when_a_blueprint_is_rejected_but_posts_the_others(
    roles_api: RolesApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("REJECT me")
    (tmp_path / "b.txt").write_text("fine")
    assert run(monkeypatch, roles_api, tmp_path) == 1
    assert [name for name, _, _ in roles_api.received] == ["b.txt"]


def test_fails_with_another_stacks_key(roles_api: RolesApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("fine")
    assert run(monkeypatch, roles_api, tmp_path, secret="another-" + "y" * 40) == 1
    assert roles_api.received == []


def test_fails_on_an_empty_seeds_folder(roles_api: RolesApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert run(monkeypatch, roles_api, tmp_path) == 1

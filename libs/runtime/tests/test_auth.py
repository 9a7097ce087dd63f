from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

from ladder_runtime.auth import (
    ALL_SCOPES,
    InvalidToken,
    Principal,
    Scopes,
    TokenIssuer,
    dev_token,
    require_scopes,
)

SECRET = "s" * 32


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer(SECRET)


@pytest.fixture
async def client(issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.token_issuer = issuer

    @app.post("/roles")
    async def create_role(
        principal: Annotated[Principal, Depends(require_scopes(Scopes.ROLES_WRITE))],
    ) -> dict[str, str]:
        return {"subject": principal.subject}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://roles") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_no_token_is_401_with_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.post("/roles")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "missing bearer token" in response.json()["detail"]


async def test_non_bearer_scheme_counts_as_missing(client: httpx.AsyncClient) -> None:
    response = await client.post("/roles", headers={"Authorization": "Basic ZGV2OmRldg=="})
    assert response.status_code == 401
    assert "missing bearer token" in response.json()["detail"]


async def test_garbage_token_is_401_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/roles", headers=bearer("not-a-jwt"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {"detail": "token is malformed: not a signed JWT"}


async def test_token_signed_with_another_secret_is_401(client: httpx.AsyncClient) -> None:
    forged = TokenIssuer("x" * 32).issue("mallory", [Scopes.ROLES_WRITE])
    response = await client.post("/roles", headers=bearer(forged))
    assert response.status_code == 401
    assert response.json() == {"detail": "token signature is invalid"}


async def test_expired_token_is_401(client: httpx.AsyncClient) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    issued_yesterday = TokenIssuer(SECRET, clock=lambda: yesterday)
    expired = issued_yesterday.issue("p-1", [Scopes.ROLES_WRITE], ttl=timedelta(hours=1))
    response = await client.post("/roles", headers=bearer(expired))
    assert response.status_code == 401
    assert response.json() == {"detail": "token has expired"}


async def test_wrong_scope_is_403_naming_the_missing_scope(
    client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    token = issuer.issue("p-1", [Scopes.PEOPLE_READ, Scopes.EVIDENCE_WRITE])
    response = await client.post("/roles", headers=bearer(token))
    assert response.status_code == 403
    assert response.json() == {"detail": "token lacks the required scope(s): roles:write"}
    assert response.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="roles:write"'


async def test_right_scope_is_admitted_as_its_subject(client: httpx.AsyncClient, issuer: TokenIssuer) -> None:
    response = await client.post("/roles", headers=bearer(issuer.issue("p-1", [Scopes.ROLES_WRITE])))
    assert response.status_code == 200
    assert response.json() == {"subject": "p-1"}


def test_dev_token_grants_every_scope(issuer: TokenIssuer) -> None:
    assert issuer.verify(dev_token(issuer)) == Principal(subject="dev", scopes=ALL_SCOPES)


def test_issuer_mismatch_is_rejected(issuer: TokenIssuer) -> None:
    other = TokenIssuer(SECRET, issuer="someone-else").issue("p-1", [Scopes.ADMIN])
    with pytest.raises(InvalidToken, match="not issued by 'ladder'"):
        issuer.verify(other)


async def test_bearer_scheme_is_documented_in_openapi(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["LadderBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/roles"]["post"]["security"] == [{"LadderBearer": []}]


@pytest.mark.parametrize("secret", ["", "short", "s" * 31])
def test_short_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenIssuer(secret)


def test_unknown_scopes_are_refused_when_issuing_and_requiring(issuer: TokenIssuer) -> None:
    with pytest.raises(ValueError, match="unknown scopes: role:write"):
        issuer.issue("p-1", ["role:write"])
    with pytest.raises(ValueError, match="unknown scopes: role:write"):
        require_scopes("role:write")

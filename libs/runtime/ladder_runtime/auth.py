"""Bearer-token auth with scopes, verified by the kit for every service's HTTP API.

Tokens are JWTs signed with HS256 under a shared secret; scopes travel as the
space-separated ``scope`` claim (RFC 9068). Endpoints declare what they need
with :func:`require_scopes`; failures follow RFC 6750: 401 when the token is
missing or unusable, 403 ``insufficient_scope`` when it lacks a scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


class Scopes:
    """Every scope a Ladder token can grant."""

    ROLES_WRITE = "roles:write"
    ASSESSMENTS_WRITE = "assessments:write"
    SCORECARDS_SUBMIT = "scorecards:submit"
    EVIDENCE_WRITE = "evidence:write"
    PEOPLE_READ = "people:read"
    TRACKS_WRITE = "tracks:write"
    ADMIN = "admin"


ALL_SCOPES: frozenset[str] = frozenset(value for name, value in vars(Scopes).items() if name.isupper())

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
"""RFC 7518 §3.2: an HS256 key must be at least as long as the hash output."""
DEFAULT_TOKEN_TTL = timedelta(hours=12)
CLOCK_SKEW_LEEWAY = timedelta(seconds=30)
"""Tolerated clock difference between the machine that issued a token and the one verifying it."""
DEV_SUBJECT = "dev"


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why, for the 401 response."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a verified token speaks for."""

    subject: str
    """An opaque id, never a name or an e-mail address."""
    scopes: frozenset[str]

    def missing_scopes(self, required: Iterable[str]) -> list[str]:
        return sorted(set(required) - self.scopes)


class TokenIssuer:
    """Issues and verifies Ladder bearer tokens under one secret."""

    def __init__(
        self,
        secret: str | bytes,
        issuer: str = "ladder",
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the token secret must be at least {MIN_SECRET_BYTES} bytes, got {len(key)}")
        self._key = key
        self.issuer = issuer
        self._clock = clock

    def issue(self, subject: str, scopes: Iterable[str], ttl: timedelta = DEFAULT_TOKEN_TTL) -> str:
        scopes = frozenset(scopes)
        if unknown := scopes - ALL_SCOPES:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        if not subject:
            raise ValueError("a token needs a subject")
        if ttl <= timedelta(0):
            raise ValueError("a token's time to live must be positive")
        now = self._clock()
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(sorted(scopes)),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The token's principal; raises :class:`InvalidToken` saying what is wrong."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],  # pinned: never let the token choose its own algorithm
                issuer=self.issuer,
                leeway=CLOCK_SKEW_LEEWAY,
                options={"require": ["iss", "sub", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("token has expired") from error
        except jwt.InvalidSignatureError as error:
            raise InvalidToken("token signature is invalid") from error
        except jwt.DecodeError as error:
            raise InvalidToken("token is malformed: not a signed JWT") from error
        except jwt.MissingRequiredClaimError as error:
            raise InvalidToken(f"token lacks the {error.claim!r} claim") from error
        except jwt.InvalidIssuerError as error:
            raise InvalidToken(f"token was not issued by {self.issuer!r}") from error
        except jwt.ImmatureSignatureError as error:
            raise InvalidToken("token is not valid yet") from error
        except jwt.InvalidTokenError as error:
            raise InvalidToken(f"token is invalid: {error}") from error

        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise InvalidToken("token's 'scope' claim must be a space-separated string")
        return Principal(subject=claims["sub"], scopes=frozenset(scope.split()))


def dev_token(issuer: TokenIssuer) -> str:
    """A token for subject ``dev`` with every scope, printed by the embedded mode."""
    return issuer.issue(DEV_SUBJECT, ALL_SCOPES)


# Only parses the header (and documents the scheme in OpenAPI); the 401 is ours, with a reason.
_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="LadderBearer",
    description="JWT (HS256) with a space-separated `scope` claim; scopes: " + ", ".join(sorted(ALL_SCOPES)),
)


def require_scopes(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency admitting a valid bearer token that grants all of ``scopes``.

    The verifier is the :class:`TokenIssuer` at ``request.app.state.token_issuer``.
    """
    if unknown := set(scopes) - ALL_SCOPES:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    required = tuple(scopes)

    async def authenticated_principal(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer_scheme),
    ) -> Principal:
        if credentials is None:
            raise _unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
        issuer: TokenIssuer | None = getattr(request.app.state, "token_issuer", None)
        if issuer is None:
            raise RuntimeError("app.state.token_issuer is not set: the service must install a TokenIssuer")
        try:
            principal = issuer.verify(credentials.credentials)
        except InvalidToken as error:
            raise _unauthorized(str(error), error="invalid_token") from error
        if missing := principal.missing_scopes(required):
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"token lacks the required scope(s): {' '.join(missing)}",
                headers={
                    "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(required)}"',
                },
            )
        return principal

    return authenticated_principal


def _unauthorized(detail: str, *, error: str | None = None) -> HTTPException:
    # RFC 6750 §3.1: no error code when the request carried no credentials at all.
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": challenge}
    )

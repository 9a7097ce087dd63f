"""One-shot job of docker-compose.yml: hand every role blueprint to the roles service.

Runs in the roles image (so ``ladder_runtime`` is importable) with the stack's
``LADDER_AUTH_SECRET``: mints a short-lived token with the ``roles:write`` scope and
posts each file of ``SEEDS_DIR`` as the multipart field ``document`` to
``POST {ROLES_URL}/v1/blueprints``, as ``ladder up`` does for the embedded stack.
Running it again is harmless: an unchanged blueprint publishes nothing.
Exits non-zero when the service is not ready in time or rejects a file.

Standard library only on top of the runtime kit: the service images carry no HTTP client.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from ladder_runtime.auth import Scopes, TokenIssuer

SUBJECT = "import-blueprints"


def multipart_body(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one file part, and its Content-Type header."""
    boundary = uuid.uuid4().hex
    safe_name = filename.replace("\\", "_").replace('"', "_").replace("\r", "_").replace("\n", "_")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{safe_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def wait_ready(base_url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=5):
                return
        except (urllib.error.URLError, OSError) as error:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{base_url} not ready after {timeout_s:.0f}s: {error}") from error
            time.sleep(2)


def post_blueprint(base_url: str, token: str, path: Path) -> tuple[int, str]:
    body, content_type = multipart_body("document", path.name, path.read_bytes())
    request = urllib.request.Request(
        f"{base_url}/v1/blueprints",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def main() -> int:
    base_url = os.environ.get("ROLES_URL", "http://roles:8000").rstrip("/")
    seeds = Path(os.environ.get("SEEDS_DIR", "/seeds"))
    issuer = TokenIssuer(os.environ["LADDER_AUTH_SECRET"])
    token = issuer.issue(SUBJECT, {Scopes.ROLES_WRITE}, ttl=timedelta(minutes=15))

    files = sorted(p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")) if seeds.is_dir() else []
    if not files:
        print(f"no blueprints in {seeds}", file=sys.stderr)
        return 1
    wait_ready(base_url, float(os.environ.get("READY_TIMEOUT_S", "180")))

    failed = 0
    print(f"importing {len(files)} blueprint(s) from {seeds} into {base_url}")
    for path in files:
        status, text = post_blueprint(base_url, token, path)
        print(f"  {path.name}: HTTP {status} {text[:300]}")
        failed += not 200 <= status < 300
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The whole system on one machine: embedded Kafka, four services, SQLite stores.

``ladder up`` starts Tansu, then each service as its own process (each applies
its migrations on start), waits until all are ready, hands the role blueprints
to the roles service, prints a development token, and stays up until Ctrl-C,
when it stops the services first and the broker last.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from ladder_runtime.auth import TokenIssuer, dev_token
from ladder_runtime.embedded import EmbeddedKafka


@dataclass(frozen=True)
class ServiceProcess:
    name: str
    port: int

    @property
    def module(self) -> str:
        return f"ladder_{self.name}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (
    ServiceProcess("roles", 8001),
    ServiceProcess("assessment", 8002),
    ServiceProcess("evidence", 8003),
    ServiceProcess("progression", 8004),
)


def auth_secret(data_dir: Path) -> str:
    """One signing key per data folder, created on first start, readable only by its owner."""
    path = data_dir / "auth_secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def service_environment(data_dir: Path, bootstrap_servers: str, service: ServiceProcess) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "LADDER_DATA_DIR": str(data_dir),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "HTTP_PORT": str(service.port),
        "LADDER_AUTH_SECRET": auth_secret(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("LOG_FORMAT", "text")  # a person reads this terminal; deployments keep JSON lines
    env.pop("DATABASE_URL", None)  # one SQLite file per service under the data folder
    return env


def wait_ready(service: ServiceProcess, process: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with {process.returncode}; see the log above")
        try:
            if httpx.get(f"{service.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{service.name} not ready after {timeout_s:.0f}s")


def hand_blueprints(roles: ServiceProcess, seeds: Path, token: str) -> None:
    files = sorted(p for p in seeds.iterdir() if p.is_file()) if seeds.is_dir() else []
    print(f"importing {len(files)} blueprint(s) from {seeds}")
    for path in files:
        response = httpx.post(
            f"{roles.url}/v1/blueprints",
            files={"document": (path.name, path.read_bytes())},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        print(f"  {path.name}: {_describe_import(response)}")


def _describe_import(response: httpx.Response) -> str:
    if response.status_code != 200:
        return f"refused (HTTP {response.status_code}): {response.text[:300]}"
    outcome = response.json()
    report = outcome["report"]
    counts = ", ".join(f"{n} {part.replace('_', ' ')}" for part, n in report["counts"].items() if n)
    verdict = f"version {outcome['version']}" if outcome["changed"] else f"unchanged at version {outcome['version']}"
    warnings = f"; {len(report['warnings'])} warning(s)" if report["warnings"] else ""
    return f"{outcome['role_id']} {verdict} [{report['shape']}]: {counts}{warnings}"


def run(data_dir: Path, seeds: Path | None, kafka_port: int = 9092) -> int:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    broker = EmbeddedKafka(port=kafka_port).start()
    print(f"embedded Kafka (Tansu) on {broker.bootstrap_servers}")
    processes: list[tuple[ServiceProcess, subprocess.Popen[bytes]]] = []
    try:
        for service in SERVICES:
            process = subprocess.Popen(
                [sys.executable, "-m", service.module, "serve"],
                env=service_environment(data_dir, broker.bootstrap_servers, service),
                start_new_session=True,
            )
            processes.append((service, process))
        for service, process in processes:
            wait_ready(service, process)
            print(f"{service.name:<12} ready on {service.url}  (OpenAPI: {service.url}/docs)")
        token = dev_token(TokenIssuer(auth_secret(data_dir)))
        if seeds is not None:
            hand_blueprints(SERVICES[0], seeds, token)
        print(f"\ndevelopment token (all scopes, 12 h):\n{token}\n")
        print(f"traces: {data_dir / 'traces.jsonl'}  (ladder traces list)")
        print("Ladder is up. Ctrl-C stops it.")
        _wait_for_interrupt(processes)
        return 0
    finally:
        # A second SIGINT (uv run forwards the terminal's, so one Ctrl-C can arrive twice) must not
        # cut the shutdown short and leave a broker or a service behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _, process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for service, process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{service.name} did not stop in time; killing it")
                process.kill()
        broker.stop()
        print("stopped")


class _StopRequested(Exception):
    pass


def _request_stop(signum: int, _frame: object) -> None:
    raise _StopRequested(signal.Signals(signum).name)


def _wait_for_interrupt(processes: list[tuple[ServiceProcess, subprocess.Popen[bytes]]]) -> None:
    # Ctrl-C from a terminal, or SIGTERM from a process manager: both stop the stack cleanly.
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    try:
        while True:
            for service, process in processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{service.name} exited unexpectedly with {process.returncode}")
            time.sleep(0.5)
    except (_StopRequested, KeyboardInterrupt):
        print("\nstopping…")

"""docker-compose.yml, without a Docker engine: valid against the Compose specification, and
consistent with the services' settings, images, the embedded stack and its own support files."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from ladder_runtime.auth import TokenIssuer
from ladder_runtime.stack import SERVICES as EMBEDDED_SERVICES

from tests.deploy.support import (
    REPO,
    compose_environment,
    compose_spec_schema,
    interpolate,
    load_yaml,
    parse_settings,
    service_names,
    settings_env_names,
    validation_errors,
)

# Settings deliberately left at their defaults under Compose, and why. Every other variable a
# service reads (ladder_runtime.settings.ServiceSettings) must be set in docker-compose.yml.
COMPOSE_DEFAULTED = {
    "LADDER_TRACE_FILE": "spans go to OTEL_EXPORTER_OTLP_ENDPOINT; the file is only the fallback without one",
}

INFRASTRUCTURE = {"kafka", "postgres", "otel-collector", "jaeger"}
NO_ENVIRONMENT: dict[str, str] = {}  # interpolate as on a machine with no .env and nothing exported

PARAMS = pytest.mark.parametrize("name", service_names())


def resolved(compose: dict[str, Any]) -> dict[str, Any]:
    return interpolate(compose, NO_ENVIRONMENT)


def test_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    assert validation_errors(compose_spec_schema(), compose) == []


def test_the_schema_check_catches_mistakes(compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["roles"]["helthcheck"] = broken["services"]["roles"].pop("healthcheck")
    broken["services"]["kafka"]["ports"] = "19092:19092"
    errors = validation_errors(compose_spec_schema(), broken)
    assert any("helthcheck" in e for e in errors), errors
    assert any(e.startswith("services/kafka/ports") for e in errors), errors


def test_the_stack_is_complete(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == INFRASTRUCTURE | set(service_names()) | {"import-blueprints"}
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert re.fullmatch(r"postgres:16[.\-\w]*", compose["services"]["postgres"]["image"])
    assert compose["services"]["jaeger"]["image"].startswith("jaegertracing/all-in-one:")
    assert compose["services"]["otel-collector"]["image"].startswith("otel/opentelemetry-collector")


@PARAMS
def test_services_build_from_their_dockerfile(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service["build"] == {"context": ".", "dockerfile": f"services/{name}/Dockerfile"}
    assert service["image"].split(":")[0] == f"ladder-{name}"
    assert "command" not in service and "entrypoint" not in service, "the image's ENTRYPOINT/CMD: ladder-<svc> serve"


@PARAMS
def test_every_setting_is_set_or_deliberately_defaulted(compose: dict[str, Any], name: str) -> None:
    environment = compose_environment(compose["services"][name])
    read = settings_env_names()
    missing = read - set(environment) - set(COMPOSE_DEFAULTED)
    assert not missing, f"{name}: set {sorted(missing)} in docker-compose.yml or allow-list them with a reason"
    unknown = set(environment) - read
    assert not unknown, f"{name}: {sorted(unknown)} are not read by ServiceSettings (typo?)"
    assert not set(COMPOSE_DEFAULTED) - read, "the allow-list names a setting that no longer exists"


@PARAMS
def test_settings_values_parse_and_fit_apache_kafka(compose: dict[str, Any], name: str) -> None:
    environment = compose_environment(resolved(compose)["services"][name])
    settings = parse_settings(name, environment)
    assert settings.http_host == "0.0.0.0" and settings.http_port == 8000
    assert settings.kafka_idempotent_producer is True, "Apache Kafka: idempotent producers on"
    assert settings.kafka_create_topics is True, "no topic operator under Compose: services create their topics"
    assert settings.otel_exporter_otlp_endpoint
    assert str(settings.data_dir).startswith("/tmp/"), "the root filesystem is read-only"
    TokenIssuer(settings.auth_secret.get_secret_value())  # raises if the key is too short


def test_services_share_one_signing_key(compose: dict[str, Any]) -> None:
    services = resolved(compose)["services"]
    keys = {compose_environment(services[n])["LADDER_AUTH_SECRET"] for n in [*service_names(), "import-blueprints"]}
    assert len(keys) == 1, "a token minted for one service must verify on every service"


@PARAMS
def test_database_per_service_created_by_the_init_script(compose: dict[str, Any], name: str) -> None:
    url = urlsplit(compose_environment(compose["services"][name])["DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == "postgres" and (url.port or 5432) == 5432
    database = url.path.lstrip("/")
    assert database == f"ladder_{name}"
    sql = (REPO / "deploy/compose/postgres/init-databases.sql").read_text()
    roles = dict(re.findall(r"CREATE ROLE (\w+) LOGIN PASSWORD '([^']*)';", sql))
    owners = dict(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+);", sql))
    assert owners.get(database) == url.username, f"{database} must be owned by the service's own role"
    assert roles.get(url.username) == url.password, "the init script and DATABASE_URL disagree on the password"
    assert f"REVOKE ALL ON DATABASE {database} FROM PUBLIC;" in sql
    postgres = compose["services"]["postgres"]
    init = "./deploy/compose/postgres/init-databases.sql:/docker-entrypoint-initdb.d/10-init-databases.sql:ro"
    assert init in postgres["volumes"]


@PARAMS
def test_published_on_the_embedded_stacks_port(compose: dict[str, Any], name: str) -> None:
    port = next(s.port for s in EMBEDDED_SERVICES if s.name == name)
    assert compose["services"][name]["ports"] == [f"127.0.0.1:{port}:8000"]


def test_kafka_runs_in_kraft_mode_where_the_services_look(compose: dict[str, Any]) -> None:
    kafka = compose_environment(compose["services"]["kafka"])
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"] and "broker" in kafka["KAFKA_PROCESS_ROLES"]
    assert not any("ZOOKEEPER" in key for key in kafka), "KRaft: no ZooKeeper"
    assert kafka["CLUSTER_ID"]
    advertised = dict(item.split("://") for item in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","))
    internal = advertised[kafka["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    for name in service_names():
        assert compose_environment(compose["services"][name])["KAFKA_BOOTSTRAP_SERVERS"] == internal
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from the services, never by accident"


def test_traces_flow_from_the_services_through_the_collector_to_jaeger(compose: dict[str, Any]) -> None:
    collector = load_yaml(REPO / "deploy/compose/otel-collector.yaml")
    http = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    for name in service_names():
        endpoint = urlsplit(compose_environment(compose["services"][name])["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert endpoint.scheme == "http" and endpoint.hostname == "otel-collector"
        assert http.endswith(f":{endpoint.port}") and http.startswith("0.0.0.0:")
    pipeline = collector["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    (exporter,) = pipeline["exporters"]
    assert collector["exporters"][exporter]["endpoint"] == "jaeger:4317"
    assert compose_environment(compose["services"]["jaeger"])["COLLECTOR_OTLP_ENABLED"] == "true"
    volumes = compose["services"]["otel-collector"]["volumes"]
    assert "./deploy/compose/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro" in volumes


@PARAMS
def test_services_are_hardened_and_wait_for_their_dependencies(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service["read_only"] is True and service["tmpfs"] == ["/tmp"]
    assert service["cap_drop"] == ["ALL"] and "no-new-privileges:true" in service["security_opt"]
    assert "/readyz" in service["healthcheck"]["test"][-1], "healthy = database and Kafka answer"
    assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dependencies_exist_and_healthy_conditions_have_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        if isinstance(depends_on, list):
            depends_on = {d: {"condition": "service_started"} for d in depends_on}
        for dependency, spec in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}, which has no healthcheck"


def test_host_paths_exist(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), f"{name} mounts missing {source}"


def test_blueprint_import_job(compose: dict[str, Any]) -> None:
    job = compose["services"]["import-blueprints"]
    assert job["image"] == compose["services"]["roles"]["image"], "runs in the roles image (ladder_runtime inside)"
    assert job["restart"] == "no"
    assert job["depends_on"] == {"roles": {"condition": "service_healthy"}}
    assert "../shared/seeds:/seeds:ro" in job["volumes"]
    script = "./deploy/compose/import_blueprints.py:/opt/ladder/import_blueprints.py:ro"
    assert script in job["volumes"] and job["entrypoint"] == ["python", "/opt/ladder/import_blueprints.py"]
    environment = compose_environment(job)
    assert environment["SEEDS_DIR"] == "/seeds" and environment["ROLES_URL"] == "http://roles:8000"


def test_auth_secret_can_be_supplied_from_the_environment(compose: dict[str, Any]) -> None:
    supplied = "s" * 48
    services = interpolate(compose, {"LADDER_AUTH_SECRET": supplied})["services"]
    assert {compose_environment(services[n])["LADDER_AUTH_SECRET"] for n in service_names()} == {supplied}

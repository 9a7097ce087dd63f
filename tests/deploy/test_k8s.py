"""deploy/k8s, rendered offline by kustomize (the one built into kubectl) for the dev and prod
overlays: valid against the Kubernetes schemas and the Strimzi / KEDA CRD schemas, and
consistent with what the services read, run, publish and consume."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from ladder_contracts import REGISTRY
from ladder_runtime.auth import TokenIssuer
from ladder_runtime.consumer import dead_letter_topic

from tests.deploy.support import (
    KUBERNETES_VERSIONS,
    Manifests,
    Peer,
    PodTemplate,
    ServiceTopics,
    container_environment,
    egress_allowed,
    ingress_allowed,
    kubernetes_errors,
    parse_settings,
    service_names,
    settings_env_names,
)

OVERLAYS = ("dev", "prod")
APP_NAMESPACE = {"dev": "ladder-dev", "prod": "ladder"}

# Settings deliberately left at their defaults on Kubernetes, and why. Every other variable a
# service reads (ladder_runtime.settings.ServiceSettings) must reach its container.
K8S_DEFAULTED = {
    "LADDER_TRACE_FILE": "spans go to OTEL_EXPORTER_OTLP_ENDPOINT; the file is only the fallback without one",
    "KAFKA_TOPIC_PARTITIONS": "only used to create topics, and KAFKA_CREATE_TOPICS=false: the KafkaTopics set partitions",
}

# Secrets production provides from its secret store (not rendered; see deploy/k8s/README.md):
# name -> the keys the manifests use, with placeholder values of the right shape.
EXTERNAL_SECRETS = {
    "ladder-auth": {"LADDER_AUTH_SECRET": "p" * 48},
    **{
        f"ladder-{name}-database": {
            "DATABASE_URL": f"postgresql+asyncpg://ladder_{name}:secret@db.example:5432/ladder_{name}"
        }
        for name in service_names()
    },
}

PARAMS = pytest.mark.parametrize("overlay", OVERLAYS)
PARAMS_SERVICE = pytest.mark.parametrize("service", service_names())


def external(overlay: str) -> dict[str, dict[str, str]]:
    return EXTERNAL_SECRETS if overlay == "prod" else {}


def deployment(manifests: Manifests, overlay: str, service: str) -> dict[str, Any]:
    found = manifests.get("Deployment", f"ladder-{service}", APP_NAMESPACE[overlay])
    assert found is not None, f"no Deployment ladder-{service} in {APP_NAMESPACE[overlay]}"
    return found


def pod(manifests: Manifests, kind: str, name: str) -> PodTemplate:
    return next(p for p in manifests.pod_templates() if p.kind == kind and p.name == name)


def app_environment(manifests: Manifests, overlay: str, service: str, container: str = "app") -> dict[str, str]:
    template = pod(manifests, "Deployment", f"ladder-{service}")
    return container_environment(manifests, template.namespace, template.container(container), external(overlay))


# -- schemas -------------------------------------------------------------------------------


@PARAMS
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_against_its_schema(overlays: dict[str, Manifests], overlay: str, version: str) -> None:
    errors = [
        f"{doc['kind']}/{doc['metadata']['name']}: {error}"
        for doc in overlays[overlay].docs
        for error in kubernetes_errors(doc, version)
    ]
    assert errors == []


def test_the_schema_checks_catch_mistakes(overlays: dict[str, Manifests]) -> None:
    docs = {(d["kind"], d["metadata"]["name"]): d for d in overlays["prod"].docs}
    broken_deployment = copy.deepcopy(docs[("Deployment", "ladder-roles")])
    container = broken_deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    broken_topic = copy.deepcopy(docs[("KafkaTopic", "ladder.role-updated")])
    broken_topic["spec"]["replicas"] = 0
    broken_scaler = copy.deepcopy(docs[("ScaledObject", "ladder-evidence")])
    broken_scaler["spec"]["scaleTargetRef"]["nmae"] = "x"
    broken_scaler["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]["policies"][0][
        "type"
    ] = 3
    for broken in (broken_deployment, broken_topic, broken_scaler):
        assert kubernetes_errors(broken, "latest"), f"{broken['kind']}: the mistake went unnoticed"


# -- the services ---------------------------------------------------------------------------


@PARAMS
@PARAMS_SERVICE
def test_deployment_runs_the_image_and_cli_of_its_service(
    overlays: dict[str, Manifests], overlay: str, service: str
) -> None:
    manifests = overlays[overlay]
    template = pod(manifests, "Deployment", f"ladder-{service}")
    app, migrate = template.container("app"), template.container("migrate")
    image = app["image"]
    assert re.fullmatch(rf"(.+/)?ladder-{service}(:[\w.\-]+|@sha256:[0-9a-f]{{64}})", image), image
    assert app["args"] == ["serve", "--no-migrate"], "the initContainer migrated; the CLI's serve would again"
    assert "command" not in app, "the image's ENTRYPOINT is ladder-<service>"
    assert template.spec["initContainers"] == [migrate]
    assert migrate["image"] == image and migrate["args"] == ["migrate"] and "command" not in migrate
    job = pod(manifests, "Job", f"ladder-migrate-{service}")
    (job_container,) = job.containers()
    assert job_container["image"] == image and job_container["args"] == ["migrate"]
    assert job.spec["restartPolicy"] == "Never"
    for container in (migrate, job_container):
        environment = container_environment(manifests, template.namespace, container, external(overlay))
        assert environment["DATABASE_URL"] == app_environment(manifests, overlay, service)["DATABASE_URL"], (
            "migrations must run against the database the service uses (else a SQLite file in /tmp)"
        )


@PARAMS
@PARAMS_SERVICE
def test_probes_hit_the_real_health_endpoints(overlays: dict[str, Manifests], overlay: str, service: str) -> None:
    manifests = overlays[overlay]
    app = pod(manifests, "Deployment", f"ladder-{service}").container("app")
    ports = {p["name"]: p["containerPort"] for p in app["ports"]}
    http_port = int(app_environment(manifests, overlay, service)["HTTP_PORT"])
    assert ports == {"http": http_port}
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = app[probe]["httpGet"]
        assert get["path"] == path and ports.get(get["port"], get["port"]) == http_port, probe
    # /readyz spends up to 3 s on the database and 3 s on Kafka.
    assert app["readinessProbe"]["timeoutSeconds"] >= 7


@PARAMS
def test_pods_are_locked_down(overlays: dict[str, Manifests], overlay: str) -> None:
    templates = list(overlays[overlay].pod_templates())
    assert templates
    for template in templates:
        where = f"{template.kind}/{template.name}"
        spec = template.spec
        assert spec.get("automountServiceAccountToken") is False, where
        assert spec.get("enableServiceLinks") is False, f"{where}: service links inject *_PORT variables"
        assert spec["securityContext"].get("runAsNonRoot") is True, where
        assert spec["securityContext"].get("seccompProfile", {}).get("type") == "RuntimeDefault", where
        assert not any("hostPath" in v for v in spec.get("volumes", [])), where
        for container in template.containers():
            what = f"{where}/{container['name']}"
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, what
            assert security["readOnlyRootFilesystem"] is True, what
            assert security["capabilities"]["drop"] == ["ALL"], what
            assert not security.get("capabilities", {}).get("add"), what
            assert not security.get("privileged"), what
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{what}: {kind}"
            assert not str(container["image"]).endswith(":latest"), what
        if template.labels.get("app.kubernetes.io/part-of") == "ladder":
            assert spec["securityContext"]["runAsUser"] == 10001, f"{where}: the images' user"
            mounts = {m["mountPath"]: m["name"] for c in template.containers() for m in c.get("volumeMounts", [])}
            volumes = {v["name"]: v for v in spec["volumes"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], f"{where}: /tmp is the writable path"


@PARAMS
def test_namespaces_enforce_the_restricted_pod_security_profile(overlays: dict[str, Manifests], overlay: str) -> None:
    (namespace,) = overlays[overlay].of_kind("Namespace")
    assert namespace["metadata"]["name"] == APP_NAMESPACE[overlay]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@PARAMS
@PARAMS_SERVICE
def test_service_and_pdb_select_the_serving_pods_only(
    overlays: dict[str, Manifests], overlay: str, service: str
) -> None:
    manifests = overlays[overlay]
    namespace = APP_NAMESPACE[overlay]
    serving = pod(manifests, "Deployment", f"ladder-{service}").labels
    migrating = pod(manifests, "Job", f"ladder-migrate-{service}").labels
    others = [p.labels for p in manifests.pod_templates() if p.name != f"ladder-{service}"]
    svc = manifests.get("Service", f"ladder-{service}", namespace)
    pdb = manifests.get("PodDisruptionBudget", f"ladder-{service}", namespace)
    selector = deployment(manifests, overlay, service)["spec"]["selector"]["matchLabels"]
    selectors = {
        "Service": svc["spec"]["selector"],
        "PodDisruptionBudget": pdb["spec"]["selector"]["matchLabels"],
        "Deployment": selector,
    }
    for name, chosen in selectors.items():
        assert chosen.items() <= serving.items(), f"{name} misses the serving pods"
        assert not chosen.items() <= migrating.items(), f"{name} selects the migration Job's pods"
        assert not any(chosen.items() <= labels.items() for labels in others), f"{name} selects another workload"
    (port,) = svc["spec"]["ports"]
    assert port["targetPort"] == "http"
    assert pdb["spec"].get("maxUnavailable") == 1


@PARAMS
@PARAMS_SERVICE
def test_every_setting_reaches_the_service(overlays: dict[str, Manifests], overlay: str, service: str) -> None:
    environment = app_environment(overlays[overlay], overlay, service)
    read = settings_env_names()
    missing = read - set(environment) - set(K8S_DEFAULTED)
    assert not missing, f"set {sorted(missing)} (ladder-config, a Secret) or allow-list them with a reason"
    unknown = set(environment) - read
    assert not unknown, f"{sorted(unknown)} are not read by ServiceSettings (typo?)"
    assert not set(K8S_DEFAULTED) - read, "the allow-list names a setting that no longer exists"
    settings = parse_settings(service, environment)
    assert settings.kafka_idempotent_producer is True
    assert settings.kafka_create_topics is False, "Strimzi KafkaTopics own the topics"
    assert settings.http_host == "0.0.0.0"
    assert settings.log_format == "json"
    assert str(settings.data_dir).startswith("/tmp/")
    assert urlsplit(settings.database_url or "").scheme == "postgresql+asyncpg"
    TokenIssuer(settings.auth_secret.get_secret_value())


@PARAMS
def test_every_service_verifies_tokens_with_the_same_key(overlays: dict[str, Manifests], overlay: str) -> None:
    keys = {app_environment(overlays[overlay], overlay, s)["LADDER_AUTH_SECRET"] for s in service_names()}
    assert len(keys) == 1


@PARAMS
def test_every_reference_resolves(overlays: dict[str, Manifests], overlay: str) -> None:
    """ConfigMaps, Secrets (rendered, or documented external ones in prod), ServiceAccounts, PVC-free volumes."""
    manifests = overlays[overlay]
    for template in manifests.pod_templates():
        where = f"{template.kind}/{template.name}"
        account = template.spec.get("serviceAccountName")
        if account:
            assert manifests.get("ServiceAccount", account, template.namespace), f"{where}: no ServiceAccount {account}"
        for container in template.containers():
            container_environment(
                manifests, template.namespace, container, external(overlay)
            )  # raises on a dangling ref
        for volume in template.spec.get("volumes", []):
            if "configMap" in volume:
                assert manifests.get("ConfigMap", volume["configMap"]["name"], template.namespace), where
            if "secret" in volume:
                assert manifests.get("Secret", volume["secret"]["secretName"], template.namespace), where
    rendered_secrets = {s["metadata"]["name"] for s in manifests.of_kind("Secret")}
    if overlay == "prod":
        assert not rendered_secrets, "production Secrets come from the secret store, never from the repository"


# -- Kafka: topics and autoscaling -----------------------------------------------------------


def bootstrap_location(manifests: Manifests, overlay: str) -> tuple[str, str, int]:
    """(Strimzi cluster, its namespace, port) from KAFKA_BOOTSTRAP_SERVERS (<cluster>-kafka-bootstrap.<ns>.svc)."""
    servers = {app_environment(manifests, overlay, s)["KAFKA_BOOTSTRAP_SERVERS"] for s in service_names()}
    (server,) = servers
    match = re.fullmatch(r"([a-z0-9-]+)-kafka-bootstrap\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)", server)
    assert match, f"{server} is not a Strimzi bootstrap service address"
    return match[1], match[2], int(match[3])


def topics_by_name(manifests: Manifests) -> dict[str, dict[str, Any]]:
    return {t["spec"].get("topicName", t["metadata"]["name"]): t for t in manifests.of_kind("KafkaTopic")}


@PARAMS
def test_every_topic_is_a_kafka_topic_of_the_services_cluster(
    overlays: dict[str, Manifests], overlay: str, service_topics: dict[str, ServiceTopics]
) -> None:
    manifests = overlays[overlay]
    cluster, namespace, _ = bootstrap_location(manifests, overlay)
    topics = topics_by_name(manifests)
    needed = (
        set(REGISTRY.topics())
        | {dead_letter_topic(s) for s in service_names()}
        | {t for topics_of in service_topics.values() for t in topics_of.all}
    )
    assert needed <= set(topics), f"no KafkaTopic for {sorted(needed - set(topics))}"
    assert set(topics) <= needed, f"KafkaTopics nobody uses: {sorted(set(topics) - needed)}"
    for name, topic in topics.items():
        meta = topic["metadata"]
        assert meta["labels"]["strimzi.io/cluster"] == cluster, (
            f"{name}: the Topic Operator of {cluster} would ignore it"
        )
        assert meta["namespace"] == namespace, f"{name}: KafkaTopics live with their cluster"
        assert meta["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=false", "never deleted by a prune"
        config, replicas = topic["spec"]["config"], topic["spec"]["replicas"]
        assert 1 <= config["min.insync.replicas"] <= max(1, replicas - 1) or replicas == 1, name
        if overlay == "prod":
            assert replicas == 3 and config["min.insync.replicas"] == 2, (
                f"{name}: survives one broker down with acks=all"
            )


@PARAMS
def test_topic_retention_fits_what_each_topic_carries(overlays: dict[str, Manifests], overlay: str) -> None:
    topics = topics_by_name(overlays[overlay])
    assert topics["ladder.role-updated"]["spec"]["config"]["cleanup.policy"] == "compact", "latest state per role"
    for name in ("ladder.assessment-completed", "ladder.evidence", "ladder.promotion-readiness", "ladder.privacy"):
        assert topics[name]["spec"]["config"]["retention.ms"] == -1, f"{name}: replayable from the start"
    for service in service_names():
        config = topics[dead_letter_topic(service)]["spec"]["config"]
        assert config["retention.ms"] >= 7 * 24 * 3600 * 1000, "time to fix and replay dead letters"


@PARAMS
def test_consumers_scale_on_their_consumer_groups_lag(
    overlays: dict[str, Manifests], overlay: str, service_topics: dict[str, ServiceTopics]
) -> None:
    manifests = overlays[overlay]
    namespace = APP_NAMESPACE[overlay]
    scalers = {s["metadata"]["name"]: s for s in manifests.of_kind("ScaledObject")}
    consumers = {name for name, t in service_topics.items() if t.consumes}
    assert set(scalers) == {f"ladder-{name}" for name in consumers}, "one ScaledObject per consuming service"
    topics = topics_by_name(manifests)
    for name in consumers:
        spec = scalers[f"ladder-{name}"]["spec"]
        target = spec["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", f"ladder-{name}")
        assert manifests.get("Deployment", target["name"], namespace)
        assert "replicas" not in deployment(manifests, overlay, name)["spec"], "KEDA owns the replica count"
        (trigger,) = spec["triggers"]
        metadata = trigger["metadata"]
        assert trigger["type"] == "kafka"
        assert metadata["consumerGroup"] == f"ladder-{name}", "the group ladder_runtime.consumer joins"
        environment = app_environment(manifests, overlay, name, target.get("envSourceContainerName", "app"))
        assert metadata["bootstrapServersFromEnv"] in environment
        assert metadata["offsetResetPolicy"] == "earliest", "as the consumers"
        assert spec["minReplicaCount"] >= 1, "the pods also serve HTTP: never zero"
        partitions = min(topics[t]["spec"]["partitions"] for t in service_topics[name].consumes)
        assert spec["maxReplicaCount"] <= partitions, "more consumers than partitions would idle"
        assert spec["fallback"]["replicas"] <= spec["maxReplicaCount"]
    for name in set(service_names()) - consumers:
        replicas = deployment(manifests, overlay, name)["spec"].get("replicas", 1)
        assert replicas >= (2 if overlay == "prod" else 1)


def test_production_keeps_two_replicas_of_everything(overlays: dict[str, Manifests]) -> None:
    for scaler in overlays["prod"].of_kind("ScaledObject"):
        assert scaler["spec"]["minReplicaCount"] >= 2
    for name in service_names():
        spec = deployment(overlays["prod"], "prod", name)["spec"]
        assert spec.get("replicas", 2) >= 2
        assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_production_images_are_released_ones(overlays: dict[str, Manifests]) -> None:
    for template in overlays["prod"].pod_templates():
        for container in template.containers():
            image = container["image"]
            assert "/" in image.split(":")[0], f"{image}: from a registry"
            assert re.search(r"(:(?!latest$)[\w.\-]+|@sha256:[0-9a-f]{64})$", image), f"{image}: pinned"


# -- network policies ------------------------------------------------------------------------


def ladder_pods(manifests: Manifests) -> list[PodTemplate]:
    return [p for p in manifests.pod_templates() if p.labels.get("app.kubernetes.io/part-of") == "ladder"]


def in_namespace_service(manifests: Manifests, namespace: str, host: str) -> Peer | None:
    """The pods behind a Service of this namespace addressed by its short name, if any."""
    service = manifests.get("Service", host, namespace)
    return Peer(namespace, service["spec"]["selector"]) if service else None


@PARAMS
def test_default_deny_then_exactly_what_ladder_needs(overlays: dict[str, Manifests], overlay: str) -> None:
    manifests = overlays[overlay]
    namespace = APP_NAMESPACE[overlay]
    deny = [
        p
        for p in manifests.of_kind("NetworkPolicy")
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert len(deny) == 1, "one default-deny policy"
    cluster, kafka_namespace, kafka_port = bootstrap_location(manifests, overlay)
    broker = Peer(
        kafka_namespace, {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka", "strimzi.io/broker-role": "true"}
    )
    dns = Peer("kube-system", {"k8s-app": "kube-dns"})
    for template in ladder_pods(manifests):
        me = Peer(namespace, template.labels)
        where = f"{template.kind}/{template.name}"
        assert egress_allowed(manifests, me, dns, 53, "UDP") and egress_allowed(manifests, me, dns, 53, "TCP"), where
        app_like = template.containers()[-1]
        environment = container_environment(manifests, namespace, app_like, external(overlay))
        database = urlsplit(environment["DATABASE_URL"])
        db_peer = in_namespace_service(manifests, namespace, database.hostname or "")
        if db_peer is not None:
            assert egress_allowed(manifests, me, db_peer, database.port or 5432), f"{where} -> PostgreSQL"
            assert ingress_allowed(manifests, db_peer, me, database.port or 5432), f"PostgreSQL <- {where}"
        else:  # production: a PostgreSQL outside the namespace
            assert any(egress_allowed(manifests, me, Peer(ns, {}), 5432) for ns in ("postgres",)), (
                f"{where} -> PostgreSQL"
            )
        serving = template.kind == "Deployment"
        assert egress_allowed(manifests, me, broker, kafka_port) == serving, f"{where} -> Kafka"
        if serving:
            otlp = urlsplit(environment["OTEL_EXPORTER_OTLP_ENDPOINT"])
            host = otlp.hostname or ""
            collector = in_namespace_service(manifests, namespace, host) or Peer(host.split(".")[1], {})
            assert egress_allowed(manifests, me, collector, otlp.port or 4318), f"{where} -> OTLP collector"
            if collector.namespace == namespace:
                assert ingress_allowed(manifests, collector, me, otlp.port or 4318), f"collector <- {where}"
            neighbour = Peer(namespace, {"app": "some-client"})
            assert ingress_allowed(manifests, me, neighbour, 8000), f"{where}: API from the namespace"
            assert not ingress_allowed(manifests, me, Peer("elsewhere", {}), 8000), f"{where}: API from anywhere"
            assert not ingress_allowed(manifests, me, neighbour, 5432), f"{where}: only the API port"
        assert not egress_allowed(manifests, me, Peer("elsewhere", {}), 443), f"{where}: no egress to the world"

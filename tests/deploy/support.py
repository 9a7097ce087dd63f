"""What the deployment tests share: the repository's services and settings, YAML, schemas,
Compose interpolation, kustomize rendering and a small NetworkPolicy evaluator.

Everything here works offline: schemas come from installed packages (kubernetes-validate,
check-jsonschema) or from tests/deploy/schemas, and kustomize is the one built into kubectl.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

# The deployment tests' own dev dependencies: without one, the tests are skipped, naming it.
for _module, _package in (
    ("yaml", "pyyaml"),
    ("kubernetes_validate", "kubernetes-validate"),
    ("check_jsonschema", "check-jsonschema"),
):
    pytest.importorskip(_module, reason=f"{_package}, a dev dependency of tests/deploy, is not installed")

import yaml  # noqa: E402
from ladder_runtime.settings import ServiceSettings  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

# Kubernetes versions the manifests must be valid for: the oldest we support and the newest
# kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30.0", "latest")

# -- the services ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    name: str  # "roles"
    directory: Path
    project: dict[str, Any]

    @property
    def package(self) -> str:  # "ladder-roles"
        return self.project["project"]["name"]

    @property
    def scripts(self) -> dict[str, str]:
        return self.project["project"].get("scripts", {})

    @property
    def dockerfile(self) -> Path:
        return self.directory / "Dockerfile"


@cache
def services() -> tuple[Service, ...]:
    found = []
    for pyproject in sorted((REPO / "services").glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())
        found.append(Service(pyproject.parent.name, pyproject.parent, project))
    return tuple(found)


def service_names() -> list[str]:
    return [s.name for s in services()]


@dataclass(frozen=True)
class ServiceTopics:
    """What one service's composition root says it publishes to and consumes from."""

    publishes: frozenset[str]
    consumes: frozenset[str]
    all: frozenset[str]  # publishes, consumes and its dead-letter topic


# -- the settings every service reads ------------------------------------------------------

SET_BY_BOOTSTRAP = {"service_name"}
"""Fields the composition root passes explicitly (an init argument wins over the environment)."""


def settings_env_names() -> set[str]:
    """Every environment variable ServiceSettings reads, from its fields' validation aliases.

    A field without an alias is read under its own name (pydantic-settings, no prefix).
    """
    names: set[str] = set()
    for name, field_info in ServiceSettings.model_fields.items():
        if name in SET_BY_BOOTSTRAP:
            continue
        alias = field_info.validation_alias
        if alias is None:
            names.add(name.upper())
        elif isinstance(alias, str):
            names.add(alias)
        else:  # AliasChoices / AliasPath: every string choice is read
            for choice in getattr(alias, "choices", [alias]):
                path = getattr(choice, "path", [choice])
                if isinstance(path[0], str):
                    names.add(path[0])
    return names


def parse_settings(service: str, environment: Mapping[str, str]) -> ServiceSettings:
    """ServiceSettings built from ``environment`` only, as the service would build it."""
    known = settings_env_names()
    values = {}
    for name, field_info in ServiceSettings.model_fields.items():
        alias = field_info.validation_alias if isinstance(field_info.validation_alias, str) else name.upper()
        if alias in environment and alias in known:
            values[name] = environment[alias]
    return ServiceSettings.model_validate({"service_name": service, **values})


# -- YAML ------------------------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def load_all_yaml(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


# -- Compose ---------------------------------------------------------------------------------

_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: Any, environment: Mapping[str, str]) -> Any:
    """Compose-spec interpolation (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, $$)."""
    if isinstance(value, dict):
        return {k: interpolate(v, environment) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, environment) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"]
        present = name in environment
        current = environment.get(name, "")
        if op in (":-", "-"):
            use_default = (not present) or (op == ":-" and current == "")
            return arg if use_default else current
        if op in (":?", "?"):
            if (not present) or (op == ":?" and current == ""):
                raise ValueError(f"required variable {name} is missing: {arg}")
            return current
        if op in (":+", "+"):
            return arg if present and (op == "+" or current) else ""
        return current

    return _INTERPOLATION.sub(substitute, value)


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in env.items()}


# -- JSON schemas ----------------------------------------------------------------------------


def compose_spec_schema() -> dict[str, Any]:
    """The Compose specification's JSON schema, as vendored by check-jsonschema."""
    return json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())


def validation_errors(schema: dict[str, Any], instance: Any, registry: Any = None) -> list[str]:
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    kwargs = {"format_checker": validator_class.FORMAT_CHECKER}
    if registry is not None:
        kwargs["registry"] = registry
    validator = validator_class(schema, **kwargs)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]


def kubernetes_version(version: str) -> str:
    import kubernetes_validate

    return kubernetes_validate.latest_version() if version == "latest" else version


def _kubernetes_definitions(version: str) -> dict[str, Any]:
    import kubernetes_validate.utils as kv

    candidates = [v for v in kv.all_versions() if tuple(map(int, kv.major_minor(v).split("."))) <= _mm(version)]
    schema_dir = f"kubernetes-json-schema/v{candidates[-1]}-local-strict/_definitions.json"
    return json.loads((files("kubernetes_validate") / schema_dir).read_text())


def _mm(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


# Custom resources validated against the schemas in tests/deploy/schemas (see its README).
CRD_SCHEMAS = {
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): "kafkatopic-kafka.strimzi.io-v1beta2.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject-keda.sh-v1alpha1.json",
}


def kubernetes_errors(doc: dict[str, Any], version: str) -> list[str]:
    """Schema errors of one manifest: Kubernetes' own (strict: unknown fields are errors) or a CRD's."""
    import kubernetes_validate
    from referencing import Registry, Resource

    version = kubernetes_version(version)
    key = (doc.get("apiVersion"), doc.get("kind"))
    if key in CRD_SCHEMAS:
        schema = json.loads((SCHEMAS / CRD_SCHEMAS[key]).read_text())
        definitions = _kubernetes_definitions(version)
        registry = Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))
        return validation_errors(schema, doc, registry)
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [f"no schema for {key[0]} {key[1]}: add the CRD's schema to tests/deploy/schemas"]
    except kubernetes_validate.ValidationError as error:
        return [f"{'/'.join(str(p) for p in error.path) or '<root>'}: {error.message}"]
    return []


# -- kustomize -------------------------------------------------------------------------------


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render_kustomization(directory: Path) -> list[dict[str, Any]]:
    """`kustomize build` of a directory, with the kustomize built into kubectl when needed."""
    command = kustomize_command()
    if command is None:
        message = "neither kustomize nor kubectl (which embeds kustomize) is installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([*command, str(directory)], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} {directory} failed:\n{result.stderr}")
    return load_all_yaml(result.stdout)


# -- rendered manifests ----------------------------------------------------------------------


@dataclass(frozen=True)
class PodTemplate:
    kind: str
    name: str
    namespace: str | None
    labels: dict[str, str]
    spec: dict[str, Any]

    def containers(self, *, init: bool = True) -> list[dict[str, Any]]:
        return [*(self.spec.get("initContainers", []) if init else []), *self.spec.get("containers", [])]

    def container(self, name: str) -> dict[str, Any]:
        return next(c for c in self.containers() if c["name"] == name)


@dataclass
class Manifests:
    docs: list[dict[str, Any]]
    by_key: dict[tuple[str, str | None, str], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for doc in self.docs:
            meta = doc["metadata"]
            self.by_key[(doc["kind"], meta.get("namespace"), meta["name"])] = doc

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] == kind]

    def get(self, kind: str, name: str, namespace: str | None) -> dict[str, Any] | None:
        return self.by_key.get((kind, namespace, name))

    def pod_templates(self) -> Iterator[PodTemplate]:
        for doc in self.docs:
            if doc["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet"):
                template = doc["spec"]["template"]
                yield PodTemplate(
                    doc["kind"],
                    doc["metadata"]["name"],
                    doc["metadata"].get("namespace"),
                    template.get("metadata", {}).get("labels", {}),
                    template["spec"],
                )

    def data_of(self, kind: str, name: str, namespace: str | None) -> dict[str, str] | None:
        """A ConfigMap's or Secret's data, decoded; None when not rendered."""
        import base64

        doc = self.get(kind, name, namespace)
        if doc is None:
            return None
        if kind == "Secret":
            data = {k: base64.b64decode(v).decode() for k, v in doc.get("data", {}).items()}
            return data | dict(doc.get("stringData", {}))
        return dict(doc.get("data", {}))


def container_environment(
    manifests: Manifests,
    namespace: str | None,
    container: dict[str, Any],
    external_secrets: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """The environment a container gets: envFrom ConfigMaps/Secrets, then env (values resolved).

    Secrets not rendered (production: provided by the platform) come from ``external_secrets``.
    """
    environment: dict[str, str] = {}

    def source(kind: str, name: str) -> Mapping[str, str]:
        data = manifests.data_of(kind, name, namespace)
        if data is None and kind == "Secret" and name in external_secrets:
            return external_secrets[name]
        if data is None:
            raise AssertionError(
                f"{container['name']}: {kind} {name} is neither rendered nor a documented external Secret"
            )
        return data

    for item in container.get("envFrom", []):
        prefix = item.get("prefix", "")
        if "configMapRef" in item:
            environment |= {prefix + k: v for k, v in source("ConfigMap", item["configMapRef"]["name"]).items()}
        if "secretRef" in item:
            environment |= {prefix + k: v for k, v in source("Secret", item["secretRef"]["name"]).items()}
    for item in container.get("env", []):
        if "value" in item:
            environment[item["name"]] = item["value"]
            continue
        ref = item.get("valueFrom", {})
        if "secretKeyRef" in ref:
            data, key = source("Secret", ref["secretKeyRef"]["name"]), ref["secretKeyRef"]["key"]
        elif "configMapKeyRef" in ref:
            data, key = source("ConfigMap", ref["configMapKeyRef"]["name"]), ref["configMapKeyRef"]["key"]
        else:
            raise AssertionError(f"{container['name']}: env {item['name']} has an unsupported source {ref}")
        assert key in data, f"{container['name']}: env {item['name']} names key {key!r}, missing from its source"
        environment[item["name"]] = data[key]
    return environment


# -- NetworkPolicy evaluation ---------------------------------------------------------------


def _selects(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A label selector (matchLabels only; matchExpressions are not used here) against labels."""
    if selector is None:
        return False
    assert not selector.get("matchExpressions"), "the evaluator handles matchLabels only"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


@dataclass(frozen=True)
class Peer:
    namespace: str
    labels: Mapping[str, str]


def _peer_matches(rule_peer: Mapping[str, Any], peer: Peer, policy_namespace: str) -> bool:
    if "ipBlock" in rule_peer:
        return False
    namespace_labels = {"kubernetes.io/metadata.name": peer.namespace}
    if "namespaceSelector" in rule_peer:
        if not _selects(rule_peer["namespaceSelector"], namespace_labels):
            return False
    elif peer.namespace != policy_namespace:
        return False
    if "podSelector" in rule_peer:
        return _selects(rule_peer["podSelector"], peer.labels)
    return True


def _port_matches(rule_ports: list[dict[str, Any]] | None, port: int, protocol: str) -> bool:
    if not rule_ports:
        return True
    return any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in rule_ports)


def policies_for(manifests: Manifests, pod: Peer, policy_type: str) -> list[dict[str, Any]]:
    return [
        policy
        for policy in manifests.of_kind("NetworkPolicy")
        if policy["metadata"].get("namespace") == pod.namespace
        and policy_type in policy["spec"].get("policyTypes", ["Ingress"])
        and _selects(policy["spec"]["podSelector"], pod.labels)
    ]


def egress_allowed(manifests: Manifests, source: Peer, target: Peer, port: int, protocol: str = "TCP") -> bool:
    policies = policies_for(manifests, source, "Egress")
    if not policies:
        return True  # not isolated for egress
    return any(
        _port_matches(rule.get("ports"), port, protocol)
        and (not rule.get("to") or any(_peer_matches(p, target, source.namespace) for p in rule["to"]))
        for policy in policies
        for rule in policy["spec"].get("egress", [])
    )


def ingress_allowed(manifests: Manifests, target: Peer, source: Peer, port: int, protocol: str = "TCP") -> bool:
    policies = policies_for(manifests, target, "Ingress")
    if not policies:
        return True
    return any(
        _port_matches(rule.get("ports"), port, protocol)
        and (not rule.get("from") or any(_peer_matches(p, source, target.namespace) for p in rule["from"]))
        for policy in policies
        for rule in policy["spec"].get("ingress", [])
    )


def flatten(items: Iterable[Iterable[Any]]) -> list[Any]:
    return [x for xs in items for x in xs]

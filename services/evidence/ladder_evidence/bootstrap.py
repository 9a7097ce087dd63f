"""Composition root of the evidence service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import EvidenceCapturedV1, RoleUpdatedV1
from ladder_runtime.consumer import Subscription
from ladder_runtime.role_replica import remember_role_version
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_evidence.store.uow import EvidenceUnitOfWork

NAME = "evidence"


def bootstrap(settings: ServiceSettings | None = None) -> ServiceRuntime:
    spec = ServiceSpec(
        name=NAME,
        title="Ladder evidence",
        description="Each person's evidence portfolio, mapped to their role's competencies, KPIs and promotion criteria.",
        unit_of_work=EvidenceUnitOfWork,
        migrations=Path(__file__).parent / "migrations",
        publishes=[EvidenceCapturedV1],
        subscriptions=[Subscription(RoleUpdatedV1, remember_role_version)],
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

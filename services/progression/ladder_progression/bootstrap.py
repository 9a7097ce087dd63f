"""Composition root of the progression service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import PromotionReadinessChangedV1, RoleUpdatedV1
from ladder_runtime.consumer import Subscription
from ladder_runtime.role_replica import remember_role_version
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_progression.store.uow import ProgressionUnitOfWork

NAME = "progression"


def bootstrap(settings: ServiceSettings | None = None) -> ServiceRuntime:
    spec = ServiceSpec(
        name=NAME,
        title="Ladder progression",
        description="People's tracks and explained promotion readiness, recomputed as evidence arrives.",
        unit_of_work=ProgressionUnitOfWork,
        migrations=Path(__file__).parent / "migrations",
        publishes=[PromotionReadinessChangedV1],
        subscriptions=[Subscription(RoleUpdatedV1, remember_role_version)],
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

"""Composition root of the assessment service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import AssessmentCompletedV1, RoleUpdatedV1
from ladder_runtime.consumer import Subscription
from ladder_runtime.role_replica import remember_role_version
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_assessment.store.uow import AssessmentUnitOfWork

NAME = "assessment"


def bootstrap(settings: ServiceSettings | None = None) -> ServiceRuntime:
    spec = ServiceSpec(
        name=NAME,
        title="Ladder assessment",
        description="Interview loops, scorecards and competency assessments against pinned role versions.",
        unit_of_work=AssessmentUnitOfWork,
        migrations=Path(__file__).parent / "migrations",
        publishes=[AssessmentCompletedV1],
        subscriptions=[Subscription(RoleUpdatedV1, remember_role_version)],
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

"""Composition root of the assessment service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import AssessmentCompletedV1, RoleUpdatedV1
from ladder_contracts.inputs import ScorecardSubmittedV1
from ladder_runtime.consumer import Subscription
from ladder_runtime.role_replica import remember_role_version
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_assessment.api.consumers import on_scorecard_submitted
from ladder_assessment.api.http import router
from ladder_assessment.domain.errors import AssessmentError, Conflict, Invalid, NotFound, NotOnPanel
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
        subscriptions=[
            Subscription(RoleUpdatedV1, remember_role_version),
            Subscription(ScorecardSubmittedV1, on_scorecard_submitted),
        ],
        # A refused scorecard stays refused however often it is redelivered: dead-letter it.
        permanent_errors=(AssessmentError,),
        routers=[router],
        error_statuses={NotFound: 404, Invalid: 422, NotOnPanel: 403, Conflict: 409},
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

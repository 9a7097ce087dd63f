"""Composition root of the evidence service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import (
    AssessmentCompletedV1,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceRetractedV1,
    PersonErasedV1,
    RoleUpdatedV1,
)
from ladder_contracts.inputs import EmployeeHiredV1, PersonErasureRequestedV1, ReviewSubmittedV1
from ladder_runtime.consumer import Subscription
from ladder_runtime.role_replica import remember_role_version
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_evidence import SERVICE_NAME
from ladder_evidence.api.consumers import (
    on_assessment_completed,
    on_employee_hired,
    on_erasure_requested,
    on_review_submitted,
)
from ladder_evidence.api.http import router
from ladder_evidence.domain.errors import (
    ConcurrentEvidenceChange,
    EvidenceError,
    EvidenceNotFound,
    EvidenceRetracted,
    InvalidEvidence,
    NothingToConfirm,
    OccurredInFuture,
    ReferenceConflict,
    RoleNotReplicated,
    StaleRevision,
    TargetsNotOnRole,
    UnknownPerson,
    VerificationNotPermitted,
)
from ladder_evidence.store.uow import EvidenceUnitOfWork

NAME = SERVICE_NAME


def bootstrap(settings: ServiceSettings | None = None) -> ServiceRuntime:
    spec = ServiceSpec(
        name=NAME,
        title="Ladder evidence",
        description="Each person's evidence portfolio, mapped to their role's competencies, KPIs and promotion criteria.",
        unit_of_work=EvidenceUnitOfWork,
        migrations=Path(__file__).parent / "migrations",
        publishes=[EvidenceCapturedV1, EvidenceCorrectedV1, EvidenceRetractedV1, PersonErasedV1],
        subscriptions=[
            Subscription(RoleUpdatedV1, remember_role_version),
            Subscription(EmployeeHiredV1, on_employee_hired),
            Subscription(ReviewSubmittedV1, on_review_submitted),
            Subscription(AssessmentCompletedV1, on_assessment_completed),
            Subscription(PersonErasureRequestedV1, on_erasure_requested),
        ],
        permanent_errors=(EvidenceError,),
        routers=[router],
        error_statuses={
            UnknownPerson: 404,
            EvidenceNotFound: 404,
            VerificationNotPermitted: 403,
            TargetsNotOnRole: 422,
            OccurredInFuture: 422,
            InvalidEvidence: 422,
            RoleNotReplicated: 409,
            EvidenceRetracted: 409,
            StaleRevision: 409,
            NothingToConfirm: 409,
            ReferenceConflict: 409,
            ConcurrentEvidenceChange: 409,
        },
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

"""Composition root of the progression service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events import PersonErasedV1, PromotionReadinessChangedV1
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_progression.api.consumers import SUBSCRIPTIONS
from ladder_progression.api.http import router
from ladder_progression.api.reevaluation_worker import ReevaluationWorker
from ladder_progression.domain.errors import Invalid, NotFound, ProgressionError
from ladder_progression.settings import ProgressionSettings
from ladder_progression.store.roles import RoleCache
from ladder_progression.store.uow import ProgressionContext, ProgressionUnitOfWork

NAME = "progression"


def bootstrap(
    settings: ServiceSettings | None = None, progression: ProgressionSettings | None = None
) -> ServiceRuntime:
    progression = progression or ProgressionSettings()
    policy = progression.policy()
    context = ProgressionContext(policy=policy, role_cache=RoleCache(policy.weights))
    spec = ServiceSpec(
        name=NAME,
        title="Ladder progression",
        description="People's tracks and explained promotion readiness, recomputed as evidence arrives.",
        unit_of_work=ProgressionUnitOfWork.bound_to(context),
        migrations=Path(__file__).parent / "migrations",
        publishes=[PromotionReadinessChangedV1, PersonErasedV1],
        subscriptions=SUBSCRIPTIONS,
        permanent_errors=(ProgressionError,),
        routers=[router],
        error_statuses={NotFound: 404, Invalid: 422},
        state={"context": context},
    )
    runtime = ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))
    worker = ReevaluationWorker(runtime, progression)
    context.on_reevaluation_enqueued = worker.wake
    runtime.state["reevaluation_worker"] = worker
    runtime.run_in_background("reevaluation", worker.run)
    return runtime

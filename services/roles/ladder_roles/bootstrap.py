"""Composition root of the roles service."""

from __future__ import annotations

from pathlib import Path

from ladder_contracts.events.roles import RoleUpdatedV1
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings

from ladder_roles.api.http import router
from ladder_roles.domain.errors import ConcurrentRoleUpdate, RoleNotFound, StaleRoleVersion
from ladder_roles.domain.importers import BlueprintRejected
from ladder_roles.store.career import CareerGraphCache
from ladder_roles.store.uow import RolesUnitOfWork

NAME = "roles"


def bootstrap(settings: ServiceSettings | None = None) -> ServiceRuntime:
    spec = ServiceSpec(
        name=NAME,
        title="Ladder roles",
        description="Role catalog: blueprints imported into one normalized, versioned role model and a career graph.",
        unit_of_work=RolesUnitOfWork,
        migrations=Path(__file__).parent / "migrations",
        publishes=[RoleUpdatedV1],
        routers=[router],
        error_statuses={
            StaleRoleVersion: 409,
            ConcurrentRoleUpdate: 409,
            RoleNotFound: 404,
            BlueprintRejected: 422,
        },
        state={"career_graph": CareerGraphCache()},
    )
    return ServiceRuntime(spec, settings or ServiceSettings(service_name=NAME))

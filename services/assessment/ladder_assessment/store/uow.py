from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.role_replica import RoleReplica
from ladder_runtime.uow import SqlUnitOfWork

from ladder_assessment.store.tables import role_replica


class AssessmentUnitOfWork(SqlUnitOfWork):
    roles: RoleReplica

    def _open(self, session: AsyncSession) -> None:
        self.roles = RoleReplica(session, role_replica)

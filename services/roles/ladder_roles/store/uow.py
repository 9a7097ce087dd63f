from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.uow import SqlUnitOfWork

from ladder_roles.store.repository import RoleRepository


class RolesUnitOfWork(SqlUnitOfWork):
    roles: RoleRepository

    def _open(self, session: AsyncSession) -> None:
        self.roles = RoleRepository(session)

    def repositories(self):
        return (self.roles,)

from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.role_replica import RoleReplica
from ladder_runtime.uow import SqlUnitOfWork

from ladder_evidence.store.repository import EvidenceRepository, RoleAssignments
from ladder_evidence.store.tables import role_replica


class EvidenceUnitOfWork(SqlUnitOfWork):
    roles: RoleReplica
    people: RoleAssignments
    evidence: EvidenceRepository

    def _open(self, session: AsyncSession) -> None:
        self.roles = RoleReplica(session, role_replica)
        self.people = RoleAssignments(session)
        self.evidence = EvidenceRepository(session)

    def repositories(self):
        return (self.evidence,)

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.role_replica import RoleReplica
from ladder_runtime.store.tables import outbox
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

    async def erase_outbox_records(self, *, topic: str, key: str) -> int:
        """Delete this service's outbox rows of ``topic`` keyed by ``key``, published or not.

        For erasure: published rows would otherwise keep the person's data here
        until the relay's retention cleanup; unpublished ones need not reach
        consumers who are about to be told to erase the person anyway.
        """
        deleted = await self.session.execute(delete(outbox).where(outbox.c.topic == topic, outbox.c.message_key == key))
        return deleted.rowcount

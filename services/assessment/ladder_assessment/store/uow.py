from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.role_replica import RoleReplica
from ladder_runtime.uow import SqlUnitOfWork

from ladder_assessment.store.repository import CompetencyAssessmentRepository, LoopRepository
from ladder_assessment.store.tables import role_replica


class AssessmentUnitOfWork(SqlUnitOfWork):
    roles: RoleReplica
    loops: LoopRepository
    competency_assessments: CompetencyAssessmentRepository

    def _open(self, session: AsyncSession) -> None:
        self.roles = RoleReplica(session, role_replica)
        self.loops = LoopRepository(session)
        self.competency_assessments = CompetencyAssessmentRepository(session)

    def repositories(self):
        return (self.loops, self.competency_assessments)

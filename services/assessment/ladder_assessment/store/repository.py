"""Interview loops and competency assessments in and out of the assessment tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.common import ExperienceLevel, Recommendation
from ladder_contracts.events.assessment import AssessorRole, InterviewLoopOutcome, LoopCompletion

from ladder_assessment.domain.competency import CompetencyAssessment, CompetencyLevel
from ladder_assessment.domain.errors import IdAlreadyUsed
from ladder_assessment.domain.loop import InterviewLoop, LoopStatus, Panelist
from ladder_assessment.domain.scorecard import ScorecardSubmission, SubmissionChannel
from ladder_assessment.store.tables import competency_assessments, interview_loops, loop_panelists, scorecards


def _utc(moment: datetime) -> datetime:
    """Stored in UTC; SQLite hands timestamps back without their zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class LoopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: set[InterviewLoop] = set()
        self._stored_submissions: dict[str, int] = {}
        """Per loop id: how many of its submissions are already stored."""
        self._stored_status: dict[str, LoopStatus] = {}

    async def get(self, loop_id: str, *, for_update: bool = False) -> InterviewLoop | None:
        """The loop with every submission; ``for_update`` locks it (PostgreSQL) so concurrent
        scorecards for one loop apply one after the other and the last one sees the full panel.
        SQLite needs no lock: its writers are serialized by BEGIN IMMEDIATE."""
        query = select(interview_loops).where(interview_loops.c.loop_id == loop_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).one_or_none()
        if row is None:
            return None
        (loop,) = await self._assemble([row])
        return self._track(loop)

    async def exists(self, loop_id: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(interview_loops.c.loop_id == loop_id))))

    async def loop_of_submission(self, submission_id: str) -> str | None:
        return await self._session.scalar(
            select(scorecards.c.loop_id).where(scorecards.c.submission_id == submission_id)
        )

    async def of_candidate(self, candidate_id: str) -> list[InterviewLoop]:
        rows = await self._session.execute(
            select(interview_loops)
            .where(interview_loops.c.candidate_id == candidate_id)
            .order_by(interview_loops.c.opened_at, interview_loops.c.loop_id)
        )
        return await self._assemble(rows.all())

    async def completed_with_panelist(self, interviewer_id: str) -> list[InterviewLoop]:
        """Completed loops whose panel included ``interviewer_id``: what calibration compares against."""
        on_panel = select(loop_panelists.c.loop_id).where(loop_panelists.c.interviewer_id == interviewer_id)
        rows = await self._session.execute(
            select(interview_loops)
            .where(interview_loops.c.loop_id.in_(on_panel), interview_loops.c.status == LoopStatus.COMPLETED.value)
            .order_by(interview_loops.c.completed_at)
        )
        return await self._assemble(rows.all())

    async def add(self, loop: InterviewLoop) -> None:
        """Write a newly opened loop with its panel."""
        try:
            await self._session.execute(
                insert(interview_loops).values(
                    loop_id=loop.loop_id,
                    candidate_id=loop.candidate_id,
                    role_id=loop.role_id,
                    role_version=loop.role_version,
                    rubric_ids=list(loop.rubric_ids),
                    status=LoopStatus.OPEN.value,
                    opened_at=_utc(loop.opened_at),
                )
            )
        except IntegrityError as error:  # opened concurrently under the same id
            raise IdAlreadyUsed("loop_id", loop.loop_id, "another interview loop") from error
        await self._session.execute(
            insert(loop_panelists),
            [
                {
                    "loop_id": loop.loop_id,
                    "interviewer_id": panelist.interviewer_id,
                    "seat": seat,
                    "dimension_ids": list(panelist.dimension_ids),
                }
                for seat, panelist in enumerate(loop.panel)
            ],
        )
        self._stored_status[loop.loop_id] = LoopStatus.OPEN
        await self.save(loop)

    async def save(self, loop: InterviewLoop) -> None:
        """Write what changed since the loop was loaded or added: new submissions, the completion."""
        if loop.status is not self._stored_status[loop.loop_id]:
            await self._session.execute(
                update(interview_loops)
                .where(interview_loops.c.loop_id == loop.loop_id)
                .values(
                    status=loop.status.value,
                    completion=loop.completion.value if loop.completion else None,
                    completed_at=_utc(loop.completed_at) if loop.completed_at else None,
                    outcome=loop.outcome.model_dump(mode="json") if loop.outcome else None,
                )
            )
        stored = self._stored_submissions.get(loop.loop_id, 0)
        if new := loop.submissions[stored:]:
            await self._session.execute(
                insert(scorecards),
                [_scorecard_row(loop.loop_id, stored + offset, s) for offset, s in enumerate(new)],
            )
        self._track(loop)

    def _track(self, loop: InterviewLoop) -> InterviewLoop:
        self.seen.add(loop)
        self._stored_status[loop.loop_id] = loop.status
        self._stored_submissions[loop.loop_id] = len(loop.submissions)
        return loop

    async def _assemble(self, loop_rows: Sequence) -> list[InterviewLoop]:
        """Loops from their rows plus, in two queries for all of them, their panels and submissions."""
        if not loop_rows:
            return []
        loop_ids = [row.loop_id for row in loop_rows]
        panels: dict[str, list[Panelist]] = defaultdict(list)
        for row in await self._session.execute(
            select(loop_panelists).where(loop_panelists.c.loop_id.in_(loop_ids)).order_by(loop_panelists.c.seat)
        ):
            panels[row.loop_id].append(Panelist(row.interviewer_id, tuple(row.dimension_ids)))
        submissions: dict[str, list[ScorecardSubmission]] = defaultdict(list)
        for row in await self._session.execute(
            select(scorecards).where(scorecards.c.loop_id.in_(loop_ids)).order_by(scorecards.c.arrival)
        ):
            submissions[row.loop_id].append(
                ScorecardSubmission(
                    submission_id=row.submission_id,
                    interviewer_id=row.interviewer_id,
                    ratings=dict(row.ratings),
                    recommendation=Recommendation(row.recommendation),
                    notes=row.notes,
                    submitted_at=_utc(row.submitted_at),
                    received_at=_utc(row.received_at),
                    channel=SubmissionChannel(row.channel),
                )
            )
        return [
            InterviewLoop(
                loop_id=row.loop_id,
                candidate_id=row.candidate_id,
                role_id=row.role_id,
                role_version=row.role_version,
                rubric_ids=tuple(row.rubric_ids),
                panel=tuple(panels[row.loop_id]),
                opened_at=_utc(row.opened_at),
                submissions=submissions[row.loop_id],
                status=LoopStatus(row.status),
                completion=LoopCompletion(row.completion) if row.completion else None,
                completed_at=_utc(row.completed_at) if row.completed_at else None,
                outcome=InterviewLoopOutcome.model_validate(row.outcome) if row.outcome else None,
            )
            for row in loop_rows
        ]


def _scorecard_row(loop_id: str, arrival: int, submission: ScorecardSubmission) -> dict:
    return {
        "submission_id": submission.submission_id,
        "loop_id": loop_id,
        "arrival": arrival,
        "interviewer_id": submission.interviewer_id,
        "ratings": dict(submission.ratings),
        "recommendation": submission.recommendation.value,
        "notes": submission.notes,
        "submitted_at": _utc(submission.submitted_at),
        "received_at": _utc(submission.received_at),
        "channel": submission.channel.value,
    }


class CompetencyAssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: set[CompetencyAssessment] = set()

    async def get(self, assessment_id: str) -> CompetencyAssessment | None:
        row = (
            await self._session.execute(
                select(competency_assessments).where(competency_assessments.c.assessment_id == assessment_id)
            )
        ).one_or_none()
        return _competency_assessment(row) if row else None

    async def exists(self, assessment_id: str) -> bool:
        return bool(
            await self._session.scalar(
                select(exists().where(competency_assessments.c.assessment_id == assessment_id))
            )
        )

    async def of_person(self, person_id: str) -> list[CompetencyAssessment]:
        rows = await self._session.execute(
            select(competency_assessments)
            .where(competency_assessments.c.person_id == person_id)
            .order_by(competency_assessments.c.completed_at, competency_assessments.c.assessment_id)
        )
        return [_competency_assessment(row) for row in rows]

    async def add(self, assessment: CompetencyAssessment) -> None:
        try:
            await self._session.execute(
                insert(competency_assessments).values(
                    assessment_id=assessment.assessment_id,
                    person_id=assessment.person_id,
                    role_id=assessment.role_id,
                    role_version=assessment.role_version,
                    assessor_role=assessment.assessor_role.value,
                    assessor_id=assessment.assessor_id,
                    ratings=[{"competency_id": r.competency_id, "level": r.level.value} for r in assessment.ratings],
                    notes=assessment.notes,
                    completed_at=_utc(assessment.completed_at),
                )
            )
        except IntegrityError as error:  # recorded concurrently under the same id
            raise IdAlreadyUsed("assessment_id", assessment.assessment_id, "another competency assessment") from error
        self.seen.add(assessment)


def _competency_assessment(row) -> CompetencyAssessment:
    return CompetencyAssessment(
        assessment_id=row.assessment_id,
        person_id=row.person_id,
        role_id=row.role_id,
        role_version=row.role_version,
        assessor_role=AssessorRole(row.assessor_role),
        assessor_id=row.assessor_id,
        ratings=tuple(CompetencyLevel(r["competency_id"], ExperienceLevel(r["level"])) for r in row.ratings),
        notes=row.notes,
        completed_at=_utc(row.completed_at),
    )

"""Completed assessments: competency ratings and interview panels become contributions.

An assessor's later rating of a competency replaces their earlier one,
whichever arrives first (assessment events are keyed by assessment, so two
of one person's may arrive in either order): the latest opinion counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ladder_contracts.events.assessment import AssessmentOutcome, CompetencyAssessmentOutcome

from ladder_progression.domain.contributions import (
    competency_assessment_contributions,
    interview_contributions,
    supersedes,
)
from ladder_progression.domain.signals import Contribution
from ladder_progression.domain.track import Cause
from ladder_progression.handlers.readiness import reassess
from ladder_progression.store.uow import ProgressionUnitOfWork


@dataclass(frozen=True)
class RecordAssessment:
    assessment_id: str
    person_id: str
    outcome: AssessmentOutcome
    completed_at: datetime
    cause: Cause


async def record_assessment(command: RecordAssessment, uow: ProgressionUnitOfWork) -> None:
    track = await uow.tracks.lock_or_start(command.person_id)
    if track is None:
        return
    if await uow.portfolio.contributions_of(command.person_id, command.assessment_id):
        return  # the same assessment under another event id: already counted

    weighting = uow.policy.weighting
    portfolio = await uow.portfolio.load(command.person_id, uow.policy.half_life)
    outcome = command.outcome
    added: list[Contribution] = []
    if isinstance(outcome, CompetencyAssessmentOutcome):
        replaced: list[Contribution] = []
        for rating in competency_assessment_contributions(
            command.assessment_id, outcome, completed_at=command.completed_at, weighting=weighting
        ):
            earlier = await uow.portfolio.rating_by(command.person_id, rating.target, rating.source)
            if earlier is not None:
                if not supersedes(rating, earlier):
                    continue
                portfolio.remove(earlier)
                replaced.append(earlier)
            added.append(rating)
        await uow.portfolio.drop_contributions(command.person_id, replaced)
    else:
        added = interview_contributions(
            command.assessment_id, outcome, completed_at=command.completed_at, weighting=weighting
        )
    for contribution in added:
        portfolio.add(contribution)
    await uow.portfolio.add_contributions(command.person_id, added)
    await uow.portfolio.save(portfolio)

    track.observe(command.cause.at)
    await uow.tracks.save(track)
    await reassess(track, command.cause, uow, portfolio)
    await uow.commit()

"""Kafka consumers of the assessment service: turn consumed contracts into commands."""

from __future__ import annotations

from ladder_contracts import CloudEvent
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1

from ladder_assessment.domain.scorecard import SubmissionChannel
from ladder_assessment.handlers.loops import SubmitScorecard, submit_scorecard
from ladder_assessment.store.uow import AssessmentUnitOfWork


async def on_scorecard_submitted(event: CloudEvent[ScorecardSubmittedV1], uow: AssessmentUnitOfWork) -> None:
    """A scorecard from an upstream tool: the same command as over HTTP.

    The topic carries no token, so the only identity check is the domain's own:
    the interviewer must be on the loop's panel. Refusals are dead-lettered.
    """
    await submit_scorecard(SubmitScorecard.from_contract(event.data, SubmissionChannel.TOPIC), uow)

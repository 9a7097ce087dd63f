"""Evidence captured, corrected or retracted: fold the change into the person's signals, then reassess.

Each event costs the rows of the targets its item supports, whatever the
size of the portfolio. Revisions apply only forwards and a retraction leaves
a tombstone, so redelivered or out-of-date events change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ladder_contracts.events.evidence import EvidenceItem

from ladder_progression.domain.contributions import evidence_contributions
from ladder_progression.domain.errors import EvidenceOfAnotherPerson
from ladder_progression.domain.track import Cause
from ladder_progression.handlers.readiness import reassess
from ladder_progression.store.uow import ProgressionUnitOfWork


@dataclass(frozen=True)
class RecordEvidence:
    """A captured item, or a correction carrying the whole item as it now stands."""

    item: EvidenceItem
    seen_at: datetime
    """When Ladder captured or corrected it."""
    cause: Cause


@dataclass(frozen=True)
class RetractEvidence:
    evidence_id: str
    person_id: str
    cause: Cause


async def record_evidence(command: RecordEvidence, uow: ProgressionUnitOfWork) -> None:
    item = command.item
    track = await uow.tracks.lock_or_start(item.person_id)
    if track is None:  # erased
        return
    known = await uow.portfolio.evidence(item.evidence_id)
    if known is not None:
        if known.person_id != item.person_id:
            raise EvidenceOfAnotherPerson(item.evidence_id, known.person_id, item.person_id)
        if known.retracted or known.revision >= item.revision:
            return

    portfolio = await uow.portfolio.load(item.person_id, uow.policy.half_life)
    if known is not None:
        previous = await uow.portfolio.contributions_of(item.person_id, item.evidence_id)
        for contribution in previous:
            portfolio.remove(contribution)
        await uow.portfolio.drop_contributions(item.person_id, previous)
    added = evidence_contributions(item, seen_at=command.seen_at, weighting=uow.policy.weighting)
    for contribution in added:
        portfolio.add(contribution)
    await uow.portfolio.add_contributions(item.person_id, added)
    await uow.portfolio.put_evidence(item.evidence_id, item.person_id, item.revision, exists=known is not None)
    await uow.portfolio.save(portfolio)

    track.observe(command.cause.at)
    await uow.tracks.save(track)
    await reassess(track, command.cause, uow, portfolio)
    await uow.commit()


async def retract_evidence(command: RetractEvidence, uow: ProgressionUnitOfWork) -> None:
    track = await uow.tracks.lock_or_start(command.person_id)
    if track is None:
        return
    known = await uow.portfolio.evidence(command.evidence_id)
    if known is not None and known.person_id != command.person_id:
        raise EvidenceOfAnotherPerson(command.evidence_id, known.person_id, command.person_id)
    if known is not None and known.retracted:
        return

    portfolio = await uow.portfolio.load(command.person_id, uow.policy.half_life)
    withdrawn = await uow.portfolio.contributions_of(command.person_id, command.evidence_id)
    for contribution in withdrawn:
        portfolio.remove(contribution)
    await uow.portfolio.drop_contributions(command.person_id, withdrawn)
    # Revision 0 for an item never seen: whatever capture arrives late is older than the retraction.
    await uow.portfolio.put_evidence(
        command.evidence_id,
        command.person_id,
        known.revision if known else 0,
        exists=known is not None,
        retracted_at=command.cause.at,
    )
    await uow.portfolio.save(portfolio)

    track.observe(command.cause.at)
    await uow.tracks.save(track)
    await reassess(track, command.cause, uow, portfolio)
    await uow.commit()

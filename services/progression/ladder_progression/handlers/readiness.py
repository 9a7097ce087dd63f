"""Recomputing one person's readiness: the step every handler that changes a person ends with."""

from __future__ import annotations

from ladder_contracts.events.progression import PromotionReadinessChangedV1, ReadinessGap

from ladder_progression.domain.engine import Published, Readiness, evaluate, history_key, is_news
from ladder_progression.domain.signals import Portfolio
from ladder_progression.domain.track import Cause, Track
from ladder_progression.store.uow import ProgressionUnitOfWork


async def reassess(
    track: Track, cause: Cause, uow: ProgressionUnitOfWork, portfolio: Portfolio | None = None
) -> Readiness | None:
    """Evaluate the track against its criteria; keep the explanation, add history, publish when it is news.

    Returns None while there is nothing to be ready for yet (no hire, role not
    replicated, no target, or a target without criteria).
    """
    record = await uow.readiness.record(track.person_id)
    criteria = await uow.roles.criteria_for(track)
    if criteria is None or not criteria.criteria or track.as_of is None:
        if record is not None:
            await uow.readiness.forget_current(track.person_id)
        return None

    policy = uow.policy
    if portfolio is None:
        portfolio = await uow.portfolio.load(track.person_id, policy.half_life)
    thresholds = await uow.thresholds.get(criteria.target_role_id) or policy.thresholds
    result = evaluate(criteria, portfolio.live(), as_of=track.as_of, policy=policy, thresholds=thresholds)

    previous = record.published if record else None
    news = is_news(previous, result, policy.score_step)
    digest = history_key(result)
    await uow.readiness.save(
        track.person_id,
        result,
        thresholds=thresholds,
        cause=cause,
        published=Published(result.band, result.score) if news else previous,
        history_digest=digest,
        exists=record is not None,
    )
    if news or record is None or record.history_digest != digest:
        await uow.readiness.append_history(track.person_id, result, cause=cause, published=news)
    if news:
        uow.publish(readiness_changed(track.person_id, result, previous, cause, top_gaps=policy.top_gaps))
    return result


def readiness_changed(
    person_id: str, result: Readiness, previous: Published | None, cause: Cause, *, top_gaps: int
) -> PromotionReadinessChangedV1:
    criteria = result.criteria_set
    return PromotionReadinessChangedV1(
        person_id=person_id,
        current_role_id=criteria.current_role_id,
        current_role_version=criteria.current_role_version,
        target_role_id=criteria.target_role_id,
        target_role_version=criteria.target_role_version,
        previous_band=previous.band if previous else None,
        new_band=result.band,
        previous_score=previous.score if previous else None,
        new_score=result.score,
        top_gaps=[
            ReadinessGap(criterion_id=gap.criterion.id, kind=gap.criterion.kind, status=gap.status)
            for gap in result.gaps(top_gaps)
        ],
        caused_by_event_id=cause.event_id,
        caused_by_event_type=cause.event_type,
        computed_at=cause.at,
    )

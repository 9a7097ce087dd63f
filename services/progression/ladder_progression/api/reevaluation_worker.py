"""The background task that walks role-wide re-evaluations, one bounded batch per transaction.

Why a worker and not the ``RoleUpdated`` consumer itself: the consumer reads
every topic of the service in order, so walking 10,000 people inside it would
hold up every hire and evidence event behind the role change. Here the walk
interleaves with consumption: each batch is one short transaction (SQLite
hands the write lock over between batches) and the loop yields to the event
loop after each. Work items are rows, so a crash resumes at the cursor.

It runs as the service's background task (started and stopped with it), is woken right
after a transaction that recorded work commits, and also polls, for work a
crashed process or another replica left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from opentelemetry import context as otel_context
from opentelemetry import trace

from ladder_runtime.service import ServiceRuntime
from ladder_runtime.telemetry import context_from_trace

from ladder_progression.handlers.reevaluation import BatchDone, ReevaluateBatch, reevaluate_batch
from ladder_progression.settings import ProgressionSettings

log = logging.getLogger(__name__)


class ReevaluationWorker:
    def __init__(self, runtime: ServiceRuntime, settings: ProgressionSettings) -> None:
        self._runtime = runtime
        self._batch_size = settings.reevaluation_batch_size
        self._poll_interval_s = settings.reevaluation_poll_interval_s
        self._wakeup = asyncio.Event()
        self._tracer = trace.get_tracer("ladder.progression.reevaluation", tracer_provider=runtime.tracer_provider)
        self.batches_total = 0
        self.people_total = 0

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        failures = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_interval_s)
            self._wakeup.clear()
            try:
                while await self.run_one_batch() is not None:
                    await asyncio.sleep(0)  # let consumers and requests in between batches
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # database away or a bug: back off, keep the work item, try again
                failures += 1
                delay = min(30.0, 0.2 * 2**failures)
                log.warning("re-evaluation batch failed (%r); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                self._wakeup.set()

    async def run_one_batch(self) -> BatchDone | None:
        """Process the next batch of the oldest pending work item; None when there is none."""
        async with self._runtime.unit_of_work() as uow:
            job = await uow.reevaluations.next_pending()
        if job is None:
            return None
        token = otel_context.attach(context_from_trace(job.trace))
        try:
            with self._tracer.start_as_current_span(
                f"reevaluate {job.role_id}",
                attributes={"ladder.reevaluation.id": job.id, "ladder.reevaluation.reason": job.reason},
            ):
                async with self._runtime.unit_of_work() as uow:
                    done = await reevaluate_batch(ReevaluateBatch(job, self._batch_size), uow)
        finally:
            otel_context.detach(token)
        self.batches_total += 1
        self.people_total += done.people
        return done

"""The whole Ladder journey, driven from outside like an HR platform, an ATS and a manager would.

Used by ``ladder demo`` (against the running system) and by the end-to-end
test (against in-process services): import the blueprints, interview a
candidate, hire them, feed evidence from reviews, KPI measurements and shipped
work, and follow readiness until it reaches 'ready'. It speaks only HTTP and
Kafka with the published contracts; it imports no service's code.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ladder_contracts import CloudEvent, EventData
from ladder_contracts.common import Recommendation
from ladder_contracts.events.progression import PromotionReadinessChangedV1
from ladder_contracts.inputs.hr import CompetencyReviewRating, EmployeeHiredV1, KpiReviewRating, ReviewPeriod, ReviewSubmittedV1
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1
from ladder_runtime.auth import Scopes, TokenIssuer

JOURNEY_ROLE_FILE_PREFIX = "004"  # Junior AI Engineer: a scorecard rubric, KPIs and promotion criteria
HR_SYSTEM = "workday"
MANAGER = "mgr-ada"
PANEL = ("iv-grace", "iv-alan", "iv-barbara")
EVIDENCE_SYSTEMS = ("github", "pagerduty")  # independent sources: confidence grows with each


@dataclass
class JourneyResult:
    role_id: str
    person_id: str
    import_trace_id: str | None
    loop: dict[str, Any]
    readiness: dict[str, Any]
    ready_event: dict[str, Any]
    evidence_items: int = 0
    steps: list[str] = field(default_factory=list)


class Journey:
    def __init__(
        self,
        clients: Mapping[str, httpx.AsyncClient],
        *,
        kafka_bootstrap: str,
        tokens: TokenIssuer,
        seeds: Path,
        say: Callable[[str], None] = print,
        timeout_s: float = 60.0,
    ) -> None:
        self._http = clients
        self._bootstrap = kafka_bootstrap
        self._tokens = tokens
        self._seeds = seeds
        self._say = say
        self._timeout_s = timeout_s
        self.person_id = f"person-{uuid.uuid4().hex[:8]}"

    # -- helpers -------------------------------------------------------------------------------

    def _auth(self, subject: str, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._tokens.issue(subject, scopes)}"}

    async def _call(self, service: str, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> httpx.Response:
        response = await self._http[service].request(method, path, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(f"{service} {method} {path}: HTTP {response.status_code} {response.text[:500]}")
        return response

    async def _until(self, probe: Callable[[], Any], what: str) -> Any:
        deadline = asyncio.get_running_loop().time() + self._timeout_s
        while True:
            result = await probe()
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"waited {self._timeout_s:.0f}s for {what}")
            await asyncio.sleep(0.2)

    async def _publish(self, producer: AIOKafkaProducer, data: EventData, source: str) -> CloudEvent[Any]:
        event = CloudEvent.wrap(data, source=source)
        await producer.send_and_wait(type(data).topic, event.to_json(), key=event.subject.encode())
        return event

    # -- the journey ---------------------------------------------------------------------------

    async def run(self) -> JourneyResult:
        readiness_reader = AIOKafkaConsumer(
            PromotionReadinessChangedV1.topic,
            bootstrap_servers=self._bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
        )
        producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
        await readiness_reader.start()
        await producer.start()
        try:
            role_id, trace_id = await self.import_blueprints()
            await self.wait_for_role_everywhere(role_id)
            loop = await self.interview(role_id)
            await self.hire(producer, role_id)
            items = await self.review(producer, role_id)
            items += await self.measure_kpis(role_id)
            readiness, more = await self.evidence_until_ready(role_id)
            ready_event = await self.ready_event(readiness_reader)
            self._say(self.explain(readiness))
            return JourneyResult(role_id, self.person_id, trace_id, loop, readiness, ready_event, items + more)
        finally:
            await producer.stop()
            await readiness_reader.stop()

    async def import_blueprints(self) -> tuple[str, str | None]:
        files = sorted(p for p in self._seeds.iterdir() if p.is_file())
        self._say(f"1. Importing {len(files)} role blueprints into the roles service")
        role_id, trace_id = None, None
        for path in files:
            response = await self._call(
                "roles", "POST", "/v1/blueprints",
                files={"document": (path.name, path.read_bytes())},
                headers=self._auth("hr-admin", Scopes.ROLES_WRITE),
            )
            outcome = response.json()
            verdict = f"version {outcome['version']}" if outcome["changed"] else "unchanged"
            self._say(f"   {path.name}: {outcome['role_id']} ({verdict}, {outcome['report']['shape']})")
            if path.name.startswith(JOURNEY_ROLE_FILE_PREFIX):
                role_id, trace_id = outcome["role_id"], response.headers.get("x-trace-id")
        if role_id is None:
            raise RuntimeError(f"no {JOURNEY_ROLE_FILE_PREFIX}_* blueprint in {self._seeds}")
        return role_id, trace_id

    async def wait_for_role_everywhere(self, role_id: str) -> None:
        async def assessment_knows() -> bool:
            roles = (await self._call("assessment", "GET", "/v1/roles")).json()
            return any(r.get("role_id") == role_id for r in roles)

        async def evidence_knows() -> bool:
            return (await self._http["evidence"].get(f"/v1/roles/{role_id}/kpi-targets")).status_code == 200

        await self._until(assessment_knows, f"assessment to replicate {role_id}")
        await self._until(evidence_knows, f"evidence to replicate {role_id}")
        self._say(f"   RoleUpdated for {role_id} reached the assessment and evidence read models")

    async def interview(self, role_id: str) -> dict[str, Any]:
        self._say(f"2. Interview loop for candidate {self.person_id} against {role_id}, panel {', '.join(PANEL)}")
        opened = await self._call(
            "assessment", "POST", "/v1/loops", expect=201,
            json={"candidate_id": self.person_id, "role_id": role_id, "panel": [{"interviewer_id": i} for i in PANEL]},
            headers=self._auth("hiring-manager", Scopes.ASSESSMENTS_WRITE),
        )
        loop = opened.json()
        for n, interviewer in enumerate(PANEL):
            kit = (await self._call(
                "assessment", "GET", f"/v1/loops/{loop['loop_id']}/kits/{interviewer}",
                headers=self._auth(interviewer, Scopes.SCORECARDS_SUBMIT),
            )).json()
            dimensions = [d["id"] for d in kit["dimensions"]]
            scorecard = ScorecardSubmittedV1(
                submission_id=f"{loop['loop_id']}-{interviewer}",
                loop_id=loop["loop_id"],
                interviewer_id=interviewer,
                ratings={d: 4 + (i + n) % 2 for i, d in enumerate(dimensions)},
                recommendation=Recommendation.STRONG_YES if n == 0 else Recommendation.YES,
                submitted_at=datetime.now(UTC),
            )
            await self._submit(scorecard, interviewer)
            self._say(f"   {interviewer} rated {len(dimensions)} dimensions, recommends {scorecard.recommendation.value}")
        done = (await self._call(
            "assessment", "GET", f"/v1/loops/{loop['loop_id']}", headers=self._auth("hiring-manager", Scopes.PEOPLE_READ)
        )).json()
        decision = done["outcome"]["decision"]
        self._say(f"   loop {done['status']}: decision {decision['signal']} ({decision['rule']}) -> AssessmentCompleted")
        return done

    async def _submit(self, scorecard: ScorecardSubmittedV1, interviewer: str) -> None:
        response = await self._http["assessment"].post(
            "/v1/scorecards", json=scorecard.model_dump(mode="json"), headers=self._auth(interviewer, Scopes.SCORECARDS_SUBMIT)
        )
        if response.status_code not in (200, 201):
            raise RuntimeError(f"scorecard of {interviewer}: HTTP {response.status_code} {response.text[:300]}")

    async def hire(self, producer: AIOKafkaProducer, role_id: str) -> None:
        self._say(f"3. The HR platform hires {self.person_id} as {role_id} (hr.hires)")
        await self._publish(
            producer,
            EmployeeHiredV1(
                person_id=self.person_id, role_id=role_id, hired_at=datetime.now(UTC) - timedelta(days=365),
                manager_id=MANAGER, hr_system=HR_SYSTEM,
            ),
            source="/hr/workday",
        )
        track = await self._until(self._track, "progression to open a track")
        self._say(f"   progression opened a track: {track['current_role']['role_id']} -> {track['target_role']['role_id']}")

    async def _track(self) -> dict[str, Any] | None:
        """The track once it has a target (set from the career path when progression has the role)."""
        response = await self._http["progression"].get(
            f"/v1/people/{self.person_id}/track", headers=self._auth(MANAGER, Scopes.PEOPLE_READ)
        )
        track = response.json() if response.status_code == 200 else None
        return track if track and track.get("target_role") else None

    async def _readiness(self) -> dict[str, Any] | None:
        response = await self._http["progression"].get(
            f"/v1/people/{self.person_id}/readiness", headers=self._auth(MANAGER, Scopes.PEOPLE_READ)
        )
        return response.json() if response.status_code == 200 else None

    async def review(self, producer: AIOKafkaProducer, role_id: str) -> int:
        readiness = await self._until(self._readiness, "a first readiness")
        competencies = sorted({t["id"] for c in readiness["criteria"] for t in c["evidenced_by"] if t["kind"] == "competency"})
        kpis = sorted({t["id"] for c in readiness["criteria"] for t in c["evidenced_by"] if t["kind"] == "kpi"})
        self._say(f"4. The manager's review rates {len(competencies)} competencies and {len(kpis)} KPIs (hr.reviews)")
        today = datetime.now(UTC)
        await self._publish(
            producer,
            ReviewSubmittedV1(
                review_id=f"review-{self.person_id}",
                person_id=self.person_id,
                reviewer_id=MANAGER,
                period=ReviewPeriod(starts_on=date(today.year, 1, 1), ends_on=today.date(), label=f"{today.year} mid-year"),
                submitted_at=today,
                competency_ratings=[CompetencyReviewRating(competency_id=c, rating=5) for c in competencies],
                kpi_ratings=[KpiReviewRating(kpi_id=k, rating=5) for k in kpis],
            ),
            source="/hr/workday",
        )
        return len(competencies) + len(kpis)

    async def measure_kpis(self, role_id: str) -> int:
        targets = (await self._call("evidence", "GET", f"/v1/roles/{role_id}/kpi-targets")).json()
        judgeable = [t for t in targets if t["judgeable"]]
        self._say(f"5. Monitoring reports {len(judgeable)} KPI measurements against their targets (evidence API)")
        for target in judgeable:
            await self._add_evidence(
                {
                    "kind": "kpi_measurement",
                    "occurred_at": _now_iso(),
                    "source": {"origin": "upstream", "system": "grafana", "reference": f"{self.person_id}-{target['kpi_id']}"},
                    "supports": {"kpi_ids": [target["kpi_id"]]},
                    "verification": "system_measured",
                    "measurement": {"kpi_id": target["kpi_id"], "value": _meeting(target)},
                },
                subject="grafana",
            )
        return len(judgeable)

    async def evidence_until_ready(self, role_id: str, rounds: int = 6) -> tuple[dict[str, Any], int]:
        self._say("6. Shipped work and post-mortems mapped to what readiness still lacks (evidence API)")
        added = 0
        for round_number in range(1, rounds + 1):
            await asyncio.sleep(0.5)
            readiness = await self._until(self._settled_readiness, "readiness to settle")
            self._say(f"   readiness: {readiness['band']} ({readiness['score']:.2f})")
            if readiness["band"] == "ready":
                return readiness, added
            for criterion in readiness["criteria"]:
                if criterion["status"] == "met":
                    continue
                targets = _targets_of(criterion)
                if not targets:
                    continue
                for system in EVIDENCE_SYSTEMS:
                    await self._add_evidence(
                        {
                            "kind": "shipped_work" if system == "github" else "incident_postmortem",
                            "occurred_at": _now_iso(),
                            "source": {"origin": "upstream", "system": system, "reference": f"{criterion['id'][:40]}-{round_number}"},
                            "supports": targets,
                            "strength": 0.95,
                            "verification": "manager_verified",
                        },
                        subject=MANAGER,
                    )
                    added += 1
        raise RuntimeError(f"readiness did not reach 'ready' after {rounds} rounds: {readiness['band']} {readiness['score']}")

    async def _settled_readiness(self) -> dict[str, Any] | None:
        """Readiness once progression has consumed everything sent so far (two equal reads in a row)."""
        first = await self._readiness()
        await asyncio.sleep(1.0)
        second = await self._readiness()
        return second if first and second and first["caused_by"] == second["caused_by"] else None

    async def _add_evidence(self, item: dict[str, Any], *, subject: str) -> None:
        await self._call(
            "evidence", "POST", f"/v1/people/{self.person_id}/evidence", expect=201,
            json=item, headers=self._auth(subject, Scopes.EVIDENCE_WRITE),
        )

    async def ready_event(self, reader: AIOKafkaConsumer) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + self._timeout_s
        while asyncio.get_running_loop().time() < deadline:
            batch = await reader.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    if event["subject"] == self.person_id and event["data"]["new_band"] == "ready":
                        self._say(
                            f"7. PromotionReadinessChanged: {event['data']['previous_band']} -> ready "
                            f"(score {event['data']['new_score']:.2f}), caused by {event['data']['caused_by_event_id']}"
                        )
                        return event
        raise TimeoutError("no PromotionReadinessChanged to 'ready' was published")

    def explain(self, readiness: dict[str, Any]) -> str:
        lines = [
            f"\nReadiness of {self.person_id}: {readiness['current_role']['role_id']} -> "
            f"{readiness['target_role']['role_id']}: {readiness['band'].upper()} (score {readiness['score']:.2f})"
        ]
        for criterion in readiness["criteria"]:
            lines.append(
                f"  [{criterion['status']:>7}] {criterion['kind']:<20} {criterion['title'][:60]:<60} "
                f"credit {criterion['credit']:.2f}, {criterion['items']} item(s) from {criterion['sources']} source(s)"
            )
        return "\n".join(lines)


def _targets_of(criterion: dict[str, Any]) -> dict[str, list[str]]:
    keys = {"competency": "competency_ids", "kpi": "kpi_ids", "promotion_criterion": "promotion_criterion_ids"}
    targets: dict[str, list[str]] = {}
    for target in criterion["evidenced_by"]:
        if target["kind"] in keys:
            targets.setdefault(keys[target["kind"]], []).append(target["id"])
    return targets


def _meeting(target: dict[str, Any]) -> float:
    """A measured value that meets a numeric KPI target."""
    low, high = target.get("low"), target.get("high")
    comparator = target.get("comparator")
    if comparator in ("<", "<="):
        bound = low if low is not None else high
        return round(bound * 0.5, 3) if bound else 0.0
    if comparator in (">", ">="):
        bound = high if high is not None else low
        return round(bound * 1.01 if bound else 1.0, 3) if target.get("unit") != "%" else min(100.0, (bound or 0) + 0.5)
    return (low + high) / 2 if low is not None and high is not None else (low or high or 0.0)


def _now_iso() -> str:
    return (datetime.now(UTC) - timedelta(minutes=1)).isoformat()

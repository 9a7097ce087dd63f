"""Evidence items and people's current roles in and out of the evidence tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.events.evidence import (
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)

from ladder_evidence.domain.errors import ConcurrentEvidenceChange, EvidenceNotFound, UnknownPerson
from ladder_evidence.domain.model import EvidenceItem, Retraction
from ladder_evidence.domain.roles import RoleAssignment
from ladder_evidence.domain.suggestions import Suggestion, TargetKind
from ladder_evidence.store.tables import (
    evidence_changes,
    evidence_items,
    evidence_suggestions,
    evidence_supports,
    person_roles,
)

_TARGET_FIELDS = {
    TargetKind.COMPETENCY: "competency_ids",
    TargetKind.KPI: "kpi_ids",
    TargetKind.PROMOTION_CRITERION: "promotion_criterion_ids",
}


class EvidenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: set[EvidenceItem] = set()
        self._stored: dict[str, tuple[int, bool]] = {}
        """evidence id -> (revision, retracted) as last read or written, for the optimistic update."""

    async def get(self, evidence_id: str) -> EvidenceItem | None:
        found = await self._load(select(evidence_items).where(evidence_items.c.evidence_id == evidence_id))
        return found[0] if found else None

    async def require(self, evidence_id: str) -> EvidenceItem:
        if (item := await self.get(evidence_id)) is None:
            raise EvidenceNotFound(evidence_id)
        return item

    async def of_person(
        self,
        person_id: str,
        *,
        kind: EvidenceKind | None = None,
        target_id: str | None = None,
        include_retracted: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[EvidenceItem]:
        """A page of a person's portfolio, most recent first."""
        query = select(evidence_items).where(evidence_items.c.person_id == person_id)
        if kind is not None:
            query = query.where(evidence_items.c.kind == kind.value)
        if target_id is not None:
            supporting = select(evidence_supports.c.evidence_id).where(evidence_supports.c.target_id == target_id)
            query = query.where(evidence_items.c.evidence_id.in_(supporting))
        if not include_retracted:
            query = query.where(evidence_items.c.retracted_at.is_(None))
        query = query.order_by(evidence_items.c.occurred_at.desc(), evidence_items.c.evidence_id).limit(limit).offset(offset)
        return await self._load(query)

    def add(self, item: EvidenceItem) -> None:
        self.seen.add(item)

    async def save(self, item: EvidenceItem) -> None:
        """Write what changed since loading; a concurrent writer's change is never overwritten."""
        stored = self._stored.get(item.evidence_id)
        if stored is not None and not item.changes:
            return
        row = _row(item)
        if stored is None:
            try:
                await self._session.execute(insert(evidence_items).values(**row))
            except IntegrityError as error:  # the same upstream record, captured by a concurrent request
                raise ConcurrentEvidenceChange(item.evidence_id) from error
        else:
            revision, retracted = stored
            guard: list[ColumnElement[bool]] = [
                evidence_items.c.evidence_id == item.evidence_id,
                evidence_items.c.revision == revision,
            ]
            if not retracted:
                guard.append(evidence_items.c.retracted_at.is_(None))
            moved = await self._session.execute(update(evidence_items).where(*guard).values(**row))
            if moved.rowcount != 1:
                raise ConcurrentEvidenceChange(item.evidence_id)
            for table in (evidence_supports, evidence_suggestions):
                await self._session.execute(delete(table).where(table.c.evidence_id == item.evidence_id))
        await self._insert_targets(item)
        await self._session.execute(
            insert(evidence_changes),
            [
                {
                    "evidence_id": item.evidence_id,
                    "revision": change.revision,
                    "action": change.action,
                    "actor": change.actor,
                    "at": _utc(change.at),
                }
                for change in item.changes
            ],
        )
        item.changes.clear()
        self._stored[item.evidence_id] = (item.revision, item.is_retracted)

    async def history(self, evidence_id: str) -> list[dict]:
        rows = await self._session.execute(
            select(evidence_changes.c.revision, evidence_changes.c.action, evidence_changes.c.actor, evidence_changes.c.at)
            .where(evidence_changes.c.evidence_id == evidence_id)
            .order_by(evidence_changes.c.seq)
        )
        return [dict(row._mapping, at=_aware(row.at)) for row in rows]

    async def erase_person(self, person_id: str) -> dict[str, int]:
        """Delete every item of the person and everything hanging off them; counts per record kind."""
        items = select(evidence_items.c.evidence_id).where(evidence_items.c.person_id == person_id)
        counts = {}
        for kind, table in (
            ("evidence_audit_entries", evidence_changes),
            ("evidence_mapping_suggestions", evidence_suggestions),
            ("evidence_targets", evidence_supports),
        ):
            counts[kind] = (await self._session.execute(delete(table).where(table.c.evidence_id.in_(items)))).rowcount
        deleted = await self._session.execute(delete(evidence_items).where(evidence_items.c.person_id == person_id))
        counts["evidence_items"] = deleted.rowcount
        return counts

    # -- internals ----------------------------------------------------------------

    async def _insert_targets(self, item: EvidenceItem) -> None:
        supports = [
            {"evidence_id": item.evidence_id, "target_kind": kind.value, "target_id": target_id}
            for kind, field in _TARGET_FIELDS.items()
            for target_id in getattr(item.supports, field)
        ]
        if supports:
            await self._session.execute(insert(evidence_supports), supports)
        if item.suggestions:
            await self._session.execute(
                insert(evidence_suggestions),
                [
                    {
                        "evidence_id": item.evidence_id,
                        "target_kind": s.kind.value,
                        "target_id": s.target_id,
                        "score": s.score,
                        "matched_terms": list(s.matched_terms),
                    }
                    for s in item.suggestions
                ],
            )

    async def _load(self, query: Select) -> list[EvidenceItem]:
        rows = (await self._session.execute(query)).all()
        if not rows:
            return []
        ids = [row.evidence_id for row in rows]
        targets: dict[str, dict[str, list[str]]] = {evidence_id: {} for evidence_id in ids}
        for row in await self._session.execute(
            select(evidence_supports).where(evidence_supports.c.evidence_id.in_(ids)).order_by(evidence_supports.c.target_id)
        ):
            targets[row.evidence_id].setdefault(_TARGET_FIELDS[TargetKind(row.target_kind)], []).append(row.target_id)
        suggestions: dict[str, list[Suggestion]] = {evidence_id: [] for evidence_id in ids}
        for row in await self._session.execute(
            select(evidence_suggestions)
            .where(evidence_suggestions.c.evidence_id.in_(ids))
            .order_by(
                evidence_suggestions.c.score.desc(), evidence_suggestions.c.target_kind, evidence_suggestions.c.target_id
            )
        ):
            suggestions[row.evidence_id].append(
                Suggestion(TargetKind(row.target_kind), row.target_id, row.score, tuple(row.matched_terms))
            )
        items = [
            _item(row, EvidenceTargets(**targets[row.evidence_id]), tuple(suggestions[row.evidence_id])) for row in rows
        ]
        for item in items:
            self.seen.add(item)
            self._stored[item.evidence_id] = (item.revision, item.is_retracted)
        return items


class RoleAssignments:
    """Each person's current role, as the HR platform last stated it."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: str) -> RoleAssignment | None:
        row = (await self._session.execute(select(person_roles).where(person_roles.c.person_id == person_id))).one_or_none()
        if row is None:
            return None
        return RoleAssignment(
            person_id=row.person_id,
            role_id=row.role_id,
            role_version=row.role_version,
            hr_system=row.hr_system,
            manager_id=row.manager_id,
            hired_at=_aware(row.hired_at),
        )

    async def require(self, person_id: str) -> RoleAssignment:
        if (assignment := await self.get(person_id)) is None:
            raise UnknownPerson(person_id)
        return assignment

    async def put(self, assignment: RoleAssignment) -> None:
        values = {
            "role_id": assignment.role_id,
            "role_version": assignment.role_version,
            "hr_system": assignment.hr_system,
            "manager_id": assignment.manager_id,
            "hired_at": _utc(assignment.hired_at),
            "updated_at": datetime.now(UTC),
        }
        insert_for_dialect = postgresql.insert if self._session.bind.dialect.name == "postgresql" else sqlite.insert
        await self._session.execute(
            insert_for_dialect(person_roles)
            .values(person_id=assignment.person_id, **values)
            .on_conflict_do_update(index_elements=["person_id"], set_=values)
        )

    async def erase(self, person_id: str) -> int:
        return (await self._session.execute(delete(person_roles).where(person_roles.c.person_id == person_id))).rowcount


def _row(item: EvidenceItem) -> dict:
    return {
        "evidence_id": item.evidence_id,
        "person_id": item.person_id,
        "revision": item.revision,
        "role_id": item.role_id,
        "role_version": item.role_version,
        "kind": item.kind.value,
        "source_origin": item.source.origin.value,
        "source_system": item.source.system,
        "source_reference": item.source.reference,
        "occurred_at": _utc(item.occurred_at),
        "mapping": item.mapping.value,
        "strength": item.strength,
        "verification": item.verification.value,
        "kpi_judgement": item.kpi_judgement.model_dump(mode="json") if item.kpi_judgement else None,
        "link": item.link,
        "summary": item.summary,
        "captured_at": _utc(item.captured_at),
        "retracted_at": _utc(item.retraction.at) if item.retraction else None,
        "retraction_reason": item.retraction.reason.value if item.retraction else None,
        "statement_fingerprint": item.statement_fingerprint,
    }


def _item(row, supports: EvidenceTargets, suggestions: Sequence[Suggestion]) -> EvidenceItem:
    return EvidenceItem(
        evidence_id=row.evidence_id,
        person_id=row.person_id,
        revision=row.revision,
        role_id=row.role_id,
        role_version=row.role_version,
        kind=EvidenceKind(row.kind),
        source=EvidenceSource(
            origin=SourceOrigin(row.source_origin), system=row.source_system, reference=row.source_reference
        ),
        occurred_at=_aware(row.occurred_at),
        supports=supports,
        mapping=MappingStatus(row.mapping),
        strength=row.strength,
        verification=Verification(row.verification),
        kpi_judgement=KpiJudgement.model_validate(row.kpi_judgement) if row.kpi_judgement else None,
        link=row.link,
        summary=row.summary,
        suggestions=tuple(suggestions),
        captured_at=_aware(row.captured_at),
        retraction=(
            Retraction(RetractionReason(row.retraction_reason), _aware(row.retracted_at)) if row.retracted_at else None
        ),
        statement_fingerprint=row.statement_fingerprint,
    )


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no offset: everything is stored in UTC so it reads back as the same instant.
    return moment.astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

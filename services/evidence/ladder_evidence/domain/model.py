"""The portfolio's aggregate: one evidence item, its revisions, and the events they raise.

An item is mapped against one role version; whatever it supports was checked
against that version when it was set. Every change is an event carrying the
whole item (never its summary: free text about a person stays here), with the
revision incremented, so consumers apply only newer revisions and can undo a
retracted item.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta

from ladder_contracts.envelope import EventData
from ladder_contracts.events.evidence import (
    CorrectionReason,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceKind,
    EvidenceRetractedV1,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)

from ladder_evidence.domain.errors import (
    EvidenceRetracted,
    InvalidEvidence,
    NothingToConfirm,
    OccurredInFuture,
    StaleRevision,
    VerificationNotPermitted,
)
from ladder_evidence.domain.roles import PinnedRole, RoleAssignment
from ladder_evidence.domain.suggestions import Suggestion

CLOCK_SKEW_TOLERANCE = timedelta(minutes=5)
"""How far ahead of our clock an upstream timestamp may be before it counts as 'in the future'."""

_EVIDENCE_ID_NAMESPACE = uuid.UUID("6f1c3b2e-5d4a-4c1b-9e8f-0a7b6c5d4e3f")


def upstream_evidence_id(system: str, reference: str, part: str) -> str:
    """The same upstream record (and part of it) always gets the same evidence id: re-sending it captures nothing new."""
    return str(uuid.uuid5(_EVIDENCE_ID_NAMESPACE, f"{system}\x1f{reference}\x1f{part}"))


def new_evidence_id() -> str:
    return str(uuid.uuid4())


def require_not_in_future(value: datetime, *, now: datetime, field: str) -> None:
    if value > now + CLOCK_SKEW_TOLERANCE:
        raise OccurredInFuture(field, value, now)


def require_verification_right(
    verification: Verification, *, origin: SourceOrigin, actor: str, assignment: RoleAssignment
) -> None:
    """Who may claim what: a verification is only worth something if not everyone can claim it.

    A person at the API may verify only as the manager on record; an upstream
    system vouches for its own records (measured or verified there).
    """
    if verification is Verification.SYSTEM_MEASURED and origin is SourceOrigin.MANUAL:
        raise VerificationNotPermitted("a manually entered item cannot be system_measured; only an upstream system measures")
    if verification is Verification.MANAGER_VERIFIED and origin is SourceOrigin.MANUAL and actor != assignment.manager_id:
        raise VerificationNotPermitted(
            f"only the person's manager (per {assignment.hr_system}) can mark an item manager_verified"
        )


@dataclass(frozen=True, slots=True)
class Retraction:
    reason: RetractionReason
    at: datetime


@dataclass(frozen=True, slots=True)
class Change:
    """One line of an item's audit trail: what changed, by whom, when."""

    revision: int
    action: str
    """'captured', 'corrected:<reason>' or 'retracted:<reason>'."""
    actor: str
    """A token subject for the API, the CloudEvent source for topics."""
    at: datetime


@dataclass(frozen=True, slots=True)
class Correction:
    """What a person changes on an item; None leaves a field as it is."""

    supports: EvidenceTargets | None = None
    verification: Verification | None = None
    strength: float | None = None
    occurred_at: datetime | None = None
    kpi_judgement: KpiJudgement | None = None
    link: str | None = None
    summary: str | None = None


_STATED_FIELDS = (
    "kind",
    "source",
    "occurred_at",
    "supports",
    "mapping",
    "strength",
    "verification",
    "kpi_judgement",
    "link",
    "summary",
    "suggestions",
)
"""What a source states about an item (with what Ladder derives from it); the role version is ours."""


@dataclass(eq=False)  # identity, not value: items live in the repository's seen-set
class EvidenceItem:
    evidence_id: str
    person_id: str
    role_id: str
    role_version: int
    kind: EvidenceKind
    source: EvidenceSource
    occurred_at: datetime
    supports: EvidenceTargets
    mapping: MappingStatus
    strength: float
    verification: Verification
    captured_at: datetime
    kpi_judgement: KpiJudgement | None = None
    link: str | None = None
    summary: str | None = None
    """Short text kept in the portfolio and never published."""
    suggestions: tuple[Suggestion, ...] = ()
    revision: int = 1
    retraction: Retraction | None = None
    statement_fingerprint: str = ""
    """SHA-256 of what the source stated at capture (or its last restatement): recognises a re-sent record."""
    events: list[EventData] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    """Audit lines not yet stored."""

    # -- capture ----------------------------------------------------------------

    @classmethod
    def capture(
        cls,
        *,
        evidence_id: str,
        person_id: str,
        role: PinnedRole,
        kind: EvidenceKind,
        source: EvidenceSource,
        occurred_at: datetime,
        supports: EvidenceTargets,
        strength: float,
        verification: Verification,
        actor: str,
        at: datetime,
        kpi_judgement: KpiJudgement | None = None,
        suggestions: tuple[Suggestion, ...] = (),
        link: str | None = None,
        summary: str | None = None,
    ) -> EvidenceItem:
        """A new item; targets must be on ``role`` and suggestions are only there when the source named none."""
        require_not_in_future(occurred_at, now=at, field="occurred_at")
        role.check_targets(supports)
        _require_consistent_kpi(kind, supports, kpi_judgement)
        supports = canonical(supports)
        item = cls(
            evidence_id=evidence_id,
            person_id=person_id,
            role_id=role.role_id,
            role_version=role.version,
            kind=kind,
            source=source,
            occurred_at=occurred_at.astimezone(UTC),
            supports=supports,
            mapping=MappingStatus.SUGGESTED if suggestions or supports.is_empty() else MappingStatus.DECLARED,
            strength=strength,
            verification=verification,
            captured_at=at,
            kpi_judgement=kpi_judgement,
            link=link,
            summary=summary,
            suggestions=suggestions,
        )
        item.statement_fingerprint = item._fingerprint_of_statement()
        item.events.append(EvidenceCapturedV1(**item._published_fields(), captured_at=at))
        item.changes.append(Change(1, "captured", actor, at))
        return item

    # -- changes ----------------------------------------------------------------

    @property
    def is_retracted(self) -> bool:
        return self.retraction is not None

    def confirm_mapping(
        self, role: PinnedRole, *, actor: str, at: datetime, targets: EvidenceTargets | None = None
    ) -> None:
        """A person accepts suggested targets (or names the right ones): the mapping becomes confirmed."""
        self._require_active()
        if self.mapping is not MappingStatus.SUGGESTED:
            raise NothingToConfirm(self.evidence_id, f"has a {self.mapping.value} mapping; nothing awaits confirmation")
        confirmed = targets if targets is not None else self.supports
        if confirmed.is_empty():
            raise NothingToConfirm(
                self.evidence_id, "has no suggested targets above the threshold: name the targets to confirm"
            )
        role.check_targets(confirmed)
        _require_consistent_kpi(self.kind, confirmed, self.kpi_judgement)
        self.supports, self.mapping = canonical(confirmed), MappingStatus.CONFIRMED
        self._revised(CorrectionReason.MAPPING_CONFIRMED, actor=actor, at=at)

    def correct(
        self, correction: Correction, role: PinnedRole, *, expected_revision: int, actor: str, at: datetime
    ) -> bool:
        """Apply a person's correction; False when it changes nothing (no revision, no event)."""
        self._require_active()
        if expected_revision != self.revision:
            raise StaleRevision(self.evidence_id, expected=expected_revision, current=self.revision)
        proposed = {f.name: getattr(correction, f.name) for f in fields(correction)}
        if proposed["supports"] is not None:
            proposed["supports"] = canonical(proposed["supports"])
        if proposed["occurred_at"] is not None:
            proposed["occurred_at"] = proposed["occurred_at"].astimezone(UTC)
        changed = {name: value for name, value in proposed.items() if value is not None and value != getattr(self, name)}
        if not changed:
            return False
        if "occurred_at" in changed:
            require_not_in_future(changed["occurred_at"], now=at, field="occurred_at")
        if "supports" in changed:
            if changed["supports"].is_empty():
                raise InvalidEvidence("supports", "name at least one target; retract the item if it supports nothing")
            role.check_targets(changed["supports"])
        _require_consistent_kpi(
            self.kind, changed.get("supports", self.supports), changed.get("kpi_judgement", self.kpi_judgement)
        )
        was_suggested = self.mapping is MappingStatus.SUGGESTED
        for name, value in changed.items():
            setattr(self, name, value)
        if "supports" in changed:
            self.mapping = MappingStatus.CONFIRMED  # a person decided what it supports
        self._revised(_correction_reason(set(changed), was_suggested=was_suggested), actor=actor, at=at)
        return True

    def restate(self, statement: EvidenceItem, *, actor: str, at: datetime) -> bool:
        """The upstream source sent its record again; a changed record corrects this item.

        False (nothing happens) when the source states what it stated before, even
        if a person has corrected the item since (their correction stands), or when
        the item was retracted here: a retraction is a decision about the record.
        """
        if self.is_retracted or not self.is_restated_by(statement):
            return False
        for name in ("role_id", "role_version", "statement_fingerprint", *_STATED_FIELDS):
            setattr(self, name, getattr(statement, name))
        self._revised(CorrectionReason.DATA_ERROR, actor=actor, at=at)
        return True

    def retract(self, reason: RetractionReason, *, actor: str, at: datetime) -> None:
        self._require_active()
        self.retraction = Retraction(reason, at)
        self.events.append(
            EvidenceRetractedV1(evidence_id=self.evidence_id, person_id=self.person_id, reason=reason, retracted_at=at)
        )
        self.changes.append(Change(self.revision, f"retracted:{reason.value}", actor, at))

    def is_restated_by(self, statement: EvidenceItem) -> bool:
        """Whether ``statement`` (a fresh capture of the same record) says something else than the source said."""
        return statement.statement_fingerprint != self.statement_fingerprint

    # -- internals ----------------------------------------------------------------

    def _require_active(self) -> None:
        if self.is_retracted:
            raise EvidenceRetracted(self.evidence_id)

    def _fingerprint_of_statement(self) -> str:
        stated = {
            "kind": self.kind.value,
            "source": self.source.model_dump(mode="json"),
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "supports": self.supports.model_dump(mode="json"),
            "strength": self.strength,
            "verification": self.verification.value,
            "kpi_judgement": self.kpi_judgement.model_dump(mode="json") if self.kpi_judgement else None,
            "link": self.link,
            "summary": self.summary,
        }
        return hashlib.sha256(json.dumps(stated, sort_keys=True).encode()).hexdigest()

    def _revised(self, reason: CorrectionReason, *, actor: str, at: datetime) -> None:
        self.revision += 1
        self.events.append(EvidenceCorrectedV1(**self._published_fields(), reason=reason, corrected_at=at))
        self.changes.append(Change(self.revision, f"corrected:{reason.value}", actor, at))

    def _published_fields(self) -> dict:
        """The item as the events carry it: ids, targets and provenance; never the summary."""
        return {
            "evidence_id": self.evidence_id,
            "revision": self.revision,
            "person_id": self.person_id,
            "role_id": self.role_id,
            "role_version": self.role_version,
            "kind": self.kind,
            "source": self.source,
            "occurred_at": self.occurred_at,
            "supports": self.supports,
            "mapping": self.mapping,
            "strength": self.strength,
            "verification": self.verification,
            "kpi_judgement": self.kpi_judgement,
            "link": self.link,
        }


def canonical(targets: EvidenceTargets) -> EvidenceTargets:
    """Targets in id order, so the same mapping always compares (and publishes) the same."""
    return EvidenceTargets(
        competency_ids=sorted(targets.competency_ids),
        kpi_ids=sorted(targets.kpi_ids),
        promotion_criterion_ids=sorted(targets.promotion_criterion_ids),
    )


def _correction_reason(changed: set[str], *, was_suggested: bool) -> CorrectionReason:
    if changed == {"supports"}:
        return CorrectionReason.MAPPING_CONFIRMED if was_suggested else CorrectionReason.MAPPING_CHANGED
    if changed == {"verification"}:
        return CorrectionReason.VERIFICATION_CHANGED
    return CorrectionReason.DATA_ERROR


def _require_consistent_kpi(kind: EvidenceKind, supports: EvidenceTargets, judgement: KpiJudgement | None) -> None:
    if kind is EvidenceKind.KPI_MEASUREMENT:
        if judgement is None:
            raise InvalidEvidence("measurement", "a kpi_measurement item needs a measurement")
        if judgement.kpi_id not in supports.kpi_ids:
            raise InvalidEvidence("supports.kpi_ids", f"must include the measured KPI {judgement.kpi_id!r}")
    elif judgement is not None:
        raise InvalidEvidence("measurement", f"only kpi_measurement items carry a measurement, not {kind.value}")

"""Events published by the evidence service.

Captures, corrections and retractions of one person's evidence share the topic
``ladder.evidence`` and the key ``person_id``, so consumers see them in order.
The events carry ids, mapped targets and provenance, never free-text notes
about the person: the portfolio's text stays in the evidence service.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from ladder_contracts.common import HttpUrl, RoleVersion, ShortNote, Slug, SystemName, UnitInterval, unique_by
from ladder_contracts.envelope import AwareDatetime, Contract, EventData, OpaqueId

EVIDENCE_TOPIC = "ladder.evidence"


class EvidenceKind(StrEnum):
    REVIEW_RATING = "review_rating"
    KPI_MEASUREMENT = "kpi_measurement"
    SHIPPED_WORK = "shipped_work"
    INCIDENT_POSTMORTEM = "incident_postmortem"
    CERTIFICATION = "certification"
    FEEDBACK = "feedback"
    ASSESSMENT_RESULT = "assessment_result"


class SourceOrigin(StrEnum):
    UPSTREAM = "upstream"
    """Arrived from an upstream system, e.g. an HR review event."""
    MANUAL = "manual"
    """Entered by a person through the API."""
    DERIVED = "derived"
    """Derived by Ladder from another Ladder event, e.g. a completed assessment."""


class Verification(StrEnum):
    SELF_REPORTED = "self_reported"
    MANAGER_VERIFIED = "manager_verified"
    SYSTEM_MEASURED = "system_measured"


class MappingStatus(StrEnum):
    DECLARED = "declared"
    """The source named the competencies, KPIs or criteria itself."""
    SUGGESTED = "suggested"
    """Ladder suggested the targets from the item's text; nobody has confirmed them yet."""
    CONFIRMED = "confirmed"
    """A person confirmed suggested targets."""


class KpiOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_JUDGEABLE = "not_judgeable"


class CorrectionReason(StrEnum):
    MAPPING_CONFIRMED = "mapping_confirmed"
    MAPPING_CHANGED = "mapping_changed"
    VERIFICATION_CHANGED = "verification_changed"
    DATA_ERROR = "data_error"


class RetractionReason(StrEnum):
    ENTERED_IN_ERROR = "entered_in_error"
    DUPLICATE = "duplicate"
    SOURCE_WITHDRAWN = "source_withdrawn"
    DISPUTED = "disputed"


class EvidenceSource(Contract):
    origin: SourceOrigin = Field(description="How the item entered Ladder")
    system: SystemName = Field(description="Name of the system it came from, e.g. 'workday' or 'ladder-assessment'")
    reference: OpaqueId | None = Field(
        default=None, description="Id of the originating record in that system, e.g. a review or assessment id"
    )


TargetIds = Annotated[list[Slug], unique_by(lambda target: target, "id")]


class EvidenceTargets(Contract):
    """What an item is evidence for, as ids of the role version it was captured against."""

    competency_ids: TargetIds = Field(default=[], description="Competency ids")
    kpi_ids: TargetIds = Field(default=[], description="KPI ids")
    promotion_criterion_ids: TargetIds = Field(default=[], description="Promotion criterion ids")

    def is_empty(self) -> bool:
        return not (self.competency_ids or self.kpi_ids or self.promotion_criterion_ids)


class KpiJudgement(Contract):
    """A KPI measurement judged against the role KPI's target."""

    kpi_id: Slug = Field(description="The KPI measured; also listed in supports.kpi_ids")
    outcome: KpiOutcome = Field(description="Whether the measurement meets the target")
    measured_value: float | None = Field(default=None, description="The measured value, in the target's unit")
    reason: ShortNote | None = Field(
        default=None,
        validate_default=True,
        description="Why the target could not be judged, e.g. 'target has no number'; required for not_judgeable",
    )

    @field_validator("reason")
    @classmethod
    def _explains_not_judgeable(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("outcome") is KpiOutcome.NOT_JUDGEABLE and reason is None:
            raise ValueError("required when outcome is not_judgeable")
        return reason


class EvidenceItem(Contract):
    """One piece of evidence in a person's portfolio, as the events carry it."""

    evidence_id: OpaqueId = Field(description="Id of the evidence item")
    revision: int = Field(ge=1, description="1 when captured, +1 per correction; apply only newer revisions")
    person_id: OpaqueId = Field(description="Opaque id of the person the evidence is about")
    role_id: Slug = Field(description="Role the item is mapped against")
    role_version: RoleVersion = Field(description="Role version whose ids `supports` refers to")
    kind: EvidenceKind = Field(description="What sort of evidence this is")
    source: EvidenceSource = Field(description="Where the item came from")
    occurred_at: AwareDatetime = Field(description="When the evidenced work, measurement or review happened")
    supports: EvidenceTargets = Field(description="Competencies, KPIs and promotion criteria the item is evidence for")
    mapping: MappingStatus = Field(description="Who decided what the item supports")
    strength: UnitInterval = Field(description="How strongly the item supports its targets, 0 to 1")
    verification: Verification = Field(description="How the item is verified")
    kpi_judgement: KpiJudgement | None = Field(
        default=None, description="For kpi_measurement items: the measurement judged against the KPI's target"
    )
    link: HttpUrl | None = Field(default=None, description="Link to the underlying artefact (PR, post-mortem, ...)")

    @field_validator("kpi_judgement")
    @classmethod
    def _judges_a_supported_kpi(cls, judgement: KpiJudgement | None, info: ValidationInfo) -> KpiJudgement | None:
        if judgement is None:
            return None
        if info.data.get("kind") not in (None, EvidenceKind.KPI_MEASUREMENT):
            raise ValueError("only kpi_measurement items carry a KPI judgement")
        supports = info.data.get("supports")
        if supports is not None and judgement.kpi_id not in supports.kpi_ids:
            raise ValueError(f"kpi_id {judgement.kpi_id!r} is not in supports.kpi_ids")
        return judgement


class EvidenceCapturedV1(EvidenceItem, EventData):
    """An evidence item was accepted into a person's portfolio."""

    event_type = "ladder.evidence.captured"
    version = 1
    topic = EVIDENCE_TOPIC
    subject_field = "person_id"

    captured_at: AwareDatetime = Field(description="When Ladder accepted the item")


class EvidenceCorrectedV1(EvidenceItem, EventData):
    """An evidence item changed; the event carries the whole item as it now stands."""

    event_type = "ladder.evidence.corrected"
    version = 1
    topic = EVIDENCE_TOPIC
    subject_field = "person_id"

    reason: CorrectionReason = Field(description="Why the item changed")
    corrected_at: AwareDatetime = Field(description="When the correction was made")

    @field_validator("revision")
    @classmethod
    def _after_capture(cls, revision: int) -> int:
        if revision < 2:
            raise ValueError("a correction has revision 2 or more")
        return revision


class EvidenceRetractedV1(EventData):
    """An evidence item was withdrawn; consumers undo its effect."""

    event_type = "ladder.evidence.retracted"
    version = 1
    topic = EVIDENCE_TOPIC
    subject_field = "person_id"

    evidence_id: OpaqueId = Field(description="Id of the retracted evidence item")
    person_id: OpaqueId = Field(description="Opaque id of the person the evidence was about")
    reason: RetractionReason = Field(description="Why the item was retracted")
    retracted_at: AwareDatetime = Field(description="When it was retracted")

"""What the evidence domain refuses, each message starting with the field it is about.

Every :class:`EvidenceError` is permanent for the input that caused it: the
consumer dead-letters the event with the message as the reason, and HTTP
answers with the status registered for its class in the service spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


class EvidenceError(Exception):
    """Base of every rejection by the evidence domain."""


class UnknownPerson(EvidenceError):
    def __init__(self, person_id: str) -> None:
        super().__init__(f"person_id: no hire is known for person {person_id!r} (no EmployeeHired received)")
        self.person_id = person_id


class RoleNotReplicated(EvidenceError):
    def __init__(self, role_id: str, version: int | None) -> None:
        what = f"version {version} of role {role_id!r}" if version is not None else f"role {role_id!r}"
        super().__init__(f"role_id: {what} is not known to the evidence service (no RoleUpdated received for it)")
        self.role_id, self.version = role_id, version


class TargetsNotOnRole(EvidenceError):
    def __init__(self, field: str, unknown: Iterable[str], *, what: str, role_id: str, version: int) -> None:
        unknown = list(unknown)
        listed = ", ".join(repr(target_id) for target_id in unknown)
        verb = "is" if len(unknown) == 1 else "are"
        super().__init__(f"{field}: {listed} {verb} not among the {what} of role {role_id!r} version {version}")
        self.field, self.unknown = field, unknown


class OccurredInFuture(EvidenceError):
    def __init__(self, field: str, value: datetime, now: datetime) -> None:
        super().__init__(f"{field}: {value.isoformat()} is in the future (now is {now.isoformat(timespec='seconds')})")
        self.field = field


class InvalidEvidence(EvidenceError):
    """An item that breaks a rule of the portfolio; ``field`` names the offending input."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class IncomparableUnit(InvalidEvidence):
    def __init__(self, field: str, unit: str, target_unit: str | None) -> None:
        target = f"the target's unit {target_unit!r}" if target_unit else "a target without a unit"
        super().__init__(field, f"{unit!r} cannot be compared with {target}")


class EvidenceNotFound(EvidenceError):
    def __init__(self, evidence_id: str) -> None:
        super().__init__(f"evidence_id: no evidence item {evidence_id!r}")
        self.evidence_id = evidence_id


class EvidenceRetracted(EvidenceError):
    def __init__(self, evidence_id: str) -> None:
        super().__init__(f"evidence_id: item {evidence_id!r} was retracted and can no longer change")
        self.evidence_id = evidence_id


class StaleRevision(EvidenceError):
    def __init__(self, evidence_id: str, *, expected: int, current: int) -> None:
        super().__init__(
            f"expected_revision: item {evidence_id!r} is at revision {current}, not {expected}: "
            "reload it and apply your change again"
        )


class NothingToConfirm(EvidenceError):
    def __init__(self, evidence_id: str, problem: str) -> None:
        super().__init__(f"evidence_id: item {evidence_id!r} {problem}")


class ReferenceConflict(EvidenceError):
    def __init__(self, evidence_id: str) -> None:
        super().__init__(
            f"source.reference: that upstream record was already captured as {evidence_id!r} with other content; "
            f"correct it with PATCH /v1/evidence/{evidence_id} instead"
        )
        self.evidence_id = evidence_id


class VerificationNotPermitted(EvidenceError):
    def __init__(self, problem: str) -> None:
        super().__init__(f"verification: {problem}")


class ConcurrentEvidenceChange(Exception):
    """Not a rejection: another writer won a race, and trying again succeeds (the consumer retries it)."""

    def __init__(self, evidence_id: str) -> None:
        super().__init__(
            f"evidence_id: item {evidence_id!r} was changed by someone else at the same time: reload it and try again"
        )
        self.evidence_id = evidence_id

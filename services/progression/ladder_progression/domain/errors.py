"""What the progression domain refuses, each saying exactly why and naming the field where there is one.

Two families: something named does not exist (HTTP 404), or the content is
refused (HTTP 422). Consumers dead-letter every one of them: redelivering an
event the domain refused can never make it acceptable.
"""

from __future__ import annotations


class ProgressionError(Exception):
    """Base of every rejection by the progression domain."""


# --- 404: something named does not exist -------------------------------------------------


class NotFound(ProgressionError):
    pass


class TrackNotFound(NotFound):
    def __init__(self, person_id: str) -> None:
        super().__init__(f"person {person_id!r} has no track: no hire event has been received for them")
        self.person_id = person_id


class ReadinessNotFound(NotFound):
    def __init__(self, person_id: str, detail: str) -> None:
        super().__init__(f"no readiness for person {person_id!r}: {detail}")
        self.person_id = person_id


# --- 422: well-formed, but the content is refused ----------------------------------------


class Invalid(ProgressionError):
    pass


class UnknownTargetRole(Invalid):
    def __init__(self, role_id: str, current_role_id: str) -> None:
        super().__init__(
            f"target_role_id: {role_id!r} is neither a role with a blueprint nor a role the career path "
            f"of {current_role_id!r} names"
        )
        self.role_id = role_id


class TargetIsCurrentRole(Invalid):
    def __init__(self, role_id: str) -> None:
        super().__init__(f"target_role_id: {role_id!r} is the person's current role")
        self.role_id = role_id


class InvalidThresholds(Invalid, ValueError):  # a ValueError too, so settings validation reports it
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class EvidenceOfAnotherPerson(Invalid):
    def __init__(self, evidence_id: str, owner: str, claimed: str) -> None:
        super().__init__(
            f"person_id: evidence {evidence_id!r} belongs to person {owner!r}, not {claimed!r}"
        )
        self.evidence_id = evidence_id

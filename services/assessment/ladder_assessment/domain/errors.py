"""What the assessment domain refuses, each saying exactly why and naming the field where there is one.

Rejections come in four families. The HTTP API maps each family to one status
(``bootstrap.py``); the scorecard consumer dead-letters every one of them,
because redelivering a refused scorecard can never make it acceptable.
"""

from __future__ import annotations

from collections.abc import Sequence


class AssessmentError(Exception):
    """Base of every rejection by the assessment domain."""


# --- 404: something named does not exist ---------------------------------------------


class NotFound(AssessmentError):
    pass


class LoopNotFound(NotFound):
    def __init__(self, loop_id: str) -> None:
        super().__init__(f"interview loop {loop_id!r} does not exist")
        self.loop_id = loop_id


class CompetencyAssessmentNotFound(NotFound):
    def __init__(self, assessment_id: str) -> None:
        super().__init__(f"competency assessment {assessment_id!r} does not exist")
        self.assessment_id = assessment_id


# --- 422: well-formed, but the content is refused -------------------------------------


class Invalid(AssessmentError):
    pass


class UnknownRoleVersion(Invalid):
    def __init__(self, role_id: str, version: int | None, latest_known: int | None) -> None:
        if latest_known is None:
            message = f"role_id: no version of role {role_id!r} has reached the assessment service (from RoleUpdated)"
        else:
            message = f"role_version: role {role_id!r} has no version {version} here (latest known: {latest_known})"
        super().__init__(message)
        self.role_id, self.version = role_id, version


class RoleWithoutRubric(Invalid):
    def __init__(self, role_id: str, version: int) -> None:
        super().__init__(
            f"role_id: role {role_id!r} version {version} has neither scorecard dimensions nor competencies "
            "to interview against"
        )


class ProblemList(Invalid):
    """A refusal listing every problem found at once, so a caller fixes them in one go."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        super().__init__(f"{what}: " + "; ".join(problems))
        self.problems = list(problems)


class InvalidPanel(ProblemList):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("panel refused", problems)


class InvalidScorecard(ProblemList):
    def __init__(self, submission_id: str, problems: Sequence[str]) -> None:
        super().__init__(f"scorecard {submission_id!r} refused", problems)
        self.submission_id = submission_id


class InvalidCompetencyAssessment(ProblemList):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("competency assessment refused", problems)


# --- 403: the actor may not do this --------------------------------------------------


class NotOnPanel(AssessmentError):
    def __init__(self, interviewer_id: str, loop_id: str) -> None:
        super().__init__(
            f"interviewer_id: {interviewer_id!r} is not on the panel of interview loop {loop_id!r}; "
            "only assigned interviewers submit scorecards"
        )
        self.interviewer_id, self.loop_id = interviewer_id, loop_id


# --- 409: conflicts with what already happened ----------------------------------------


class Conflict(AssessmentError):
    pass


class LoopAlreadyCompleted(Conflict):
    def __init__(self, loop_id: str, completion: str) -> None:
        super().__init__(
            f"interview loop {loop_id!r} is already completed ({completion}); its scorecards can no longer change"
        )
        self.loop_id = loop_id


class NothingToAggregate(Conflict):
    def __init__(self, loop_id: str) -> None:
        super().__init__(f"interview loop {loop_id!r} has no scorecards yet: there is nothing to complete it with")
        self.loop_id = loop_id


class IdAlreadyUsed(Conflict):
    """An id that must identify one thing was sent again with different content."""

    def __init__(self, field: str, value: str, used_for: str) -> None:
        super().__init__(f"{field}: {value!r} already identifies {used_for}; use a new id for new content")
        self.field, self.value = field, value

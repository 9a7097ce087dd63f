"""Upstream events Ladder consumes but does not publish."""

from ladder_contracts.envelope import EventData
from ladder_contracts.inputs.hr import EmployeeHiredV1, ReviewSubmittedV1
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1
from ladder_contracts.inputs.privacy import PersonErasureRequestedV1

ALL: list[type[EventData]] = [
    EmployeeHiredV1,
    ReviewSubmittedV1,
    ScorecardSubmittedV1,
    PersonErasureRequestedV1,
]

__all__ = ["ALL", "EmployeeHiredV1", "PersonErasureRequestedV1", "ReviewSubmittedV1", "ScorecardSubmittedV1"]

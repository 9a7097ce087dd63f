"""The role version an evidence item is mapped against, and the person's current role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ladder_contracts.events.evidence import EvidenceTargets
from ladder_contracts.role import Competency, Kpi, Role

from ladder_evidence.domain.errors import TargetsNotOnRole
from ladder_evidence.domain.suggestions import Candidate, candidates_of


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """A person's current role, as the HR platform last stated it (EmployeeHired)."""

    person_id: str
    role_id: str
    role_version: int | None
    """The version the hire pinned; None follows the latest version this service knows."""
    hr_system: str
    """The HR platform that is the person's system of record; their reviews come from it."""
    manager_id: str | None
    hired_at: datetime

    def supersedes(self, current: RoleAssignment) -> bool:
        """A hire older than the one on record (a late redelivery) must not undo a newer one."""
        return self.hired_at >= current.hired_at


@dataclass(frozen=True, slots=True)
class PinnedRole:
    """One version of a role: the ids evidence against it may support."""

    version: int
    role: Role

    @property
    def role_id(self) -> str:
        return self.role.id

    def check_targets(self, targets: EvidenceTargets, *, field: str = "supports") -> None:
        """Raise :class:`TargetsNotOnRole` naming the first kind of id this version does not have."""
        self._require(
            f"{field}.competency_ids", targets.competency_ids, (c.id for c in self.role.competencies), "competencies"
        )
        self._require(f"{field}.kpi_ids", targets.kpi_ids, (k.id for k in self.role.kpis), "KPIs")
        self._require(
            f"{field}.promotion_criterion_ids",
            targets.promotion_criterion_ids,
            (p.id for p in self.role.promotion_criteria),
            "promotion criteria",
        )

    def require_competencies(self, ids: Iterable[str], *, field: str) -> None:
        self._require(field, list(ids), (c.id for c in self.role.competencies), "competencies")

    def require_kpis(self, ids: Iterable[str], *, field: str) -> None:
        self._require(field, list(ids), (k.id for k in self.role.kpis), "KPIs")

    def competency(self, competency_id: str, *, field: str) -> Competency:
        self.require_competencies([competency_id], field=field)
        return next(c for c in self.role.competencies if c.id == competency_id)

    def kpi(self, kpi_id: str, *, field: str) -> Kpi:
        self.require_kpis([kpi_id], field=field)
        return next(k for k in self.role.kpis if k.id == kpi_id)

    def suggestion_candidates(self) -> list[Candidate]:
        return candidates_of(self.role)

    def _require(self, field: str, ids: list[str], known: Iterable[str], what: str) -> None:
        known_ids = set(known)
        if unknown := [target_id for target_id in ids if target_id not in known_ids]:
            raise TargetsNotOnRole(field, unknown, what=what, role_id=self.role_id, version=self.version)

"""A role being assembled from a document, part by part, before it is validated as a :class:`Role`.

Every shape fills the same draft, so ids, de-duplication and validation work the same for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

from ladder_contracts.envelope import Contract
from ladder_contracts.role import (
    CareerPath,
    Competency,
    DecisionRight,
    InterviewExercise,
    Kpi,
    PromotionCriterion,
    Responsibility,
    Role,
    RolePart,
    RoleRef,
    RoleSource,
    Scenario,
    ScorecardDimension,
    Tool,
)

from ladder_roles.domain.importers.errors import BlueprintRejected
from ladder_roles.domain.importers.report import Findings
from ladder_roles.domain.importers.slugs import IdAllocator, slug_of
from ladder_roles.domain.importers.text import split_time_range

ModelT = TypeVar("ModelT")

_ITEM_MODELS: dict[RolePart, type[Contract]] = {
    RolePart.RESPONSIBILITIES: Responsibility,
    RolePart.COMPETENCIES: Competency,
    RolePart.KPIS: Kpi,
    RolePart.SCORECARD_DIMENSIONS: ScorecardDimension,
    RolePart.INTERVIEW_EXERCISES: InterviewExercise,
    RolePart.SCENARIOS: Scenario,
    RolePart.TOOLS: Tool,
    RolePart.DECISION_RIGHTS: DecisionRight,
    RolePart.PROMOTION_CRITERIA: PromotionCriterion,
}
_CAREER_PARTS = (RolePart.CAREER_FEEDERS, RolePart.CAREER_NEXT_ROLES, RolePart.CAREER_ADJACENT_ROLES)


class RoleDraft:
    """The parts of a role read so far; :meth:`build` turns them into a validated :class:`Role`."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self.title: str | None = None
        self.level: str | None = None
        self.family: str | None = None
        self.summary: str | None = None
        self.mission: str | None = None
        self.promotion_label: str | None = None
        self._items: dict[RolePart, list[Contract]] = {part: [] for part in _ITEM_MODELS}
        self._career: dict[RolePart, list[RoleRef]] = {part: [] for part in _CAREER_PARTS}
        self._ids = {part: IdAllocator(fallback=part.value.replace("_", "-")) for part in _ITEM_MODELS}

    def add_item(self, part: RolePart, id_source: str, **fields: object) -> None:
        """Add an item to a list part; its id is the slug of ``id_source``, unique within the part.

        Empty fields are left out so that the model's defaults apply.
        """
        model = _ITEM_MODELS[part]
        present = {name: value for name, value in fields.items() if value not in (None, "")}
        item_id = self._ids[part].allocate(id_source)
        self._items[part].append(
            validated(f"{part.value} item {item_id!r}", lambda: model.model_validate({"id": item_id, **present}))
        )

    def add_role_ref(
        self, part: RolePart, title: str, *, time_range: str | None = None, note: str | None = None
    ) -> None:
        """Add a role named by the career path; a time range written into the title moves to ``time_range``."""
        title, written_range = split_time_range(title)
        role_id = slug_of(title)
        if role_id is None:
            self.findings.warn(f"{part.value}: {title!r} names no role; it was left out")
            return
        refs = self._career[part]
        if any(ref.role_id == role_id for ref in refs):
            self.findings.warn(f"{part.value}: {title!r} is listed twice; only the first entry was kept")
            return
        refs.append(
            validated(
                f"{part.value} role {title!r}",
                lambda: RoleRef(
                    role_id=role_id, title=title, time_range=time_range or written_range, note=note or None
                ),
            )
        )

    def build(self, source: RoleSource) -> Role:
        if self.title is None:
            raise ValueError("a shape importer must reject a document without a title before building its role")
        title = self.title
        role_id = slug_of(title)
        if role_id is None:
            raise BlueprintRejected(f"the role title {title!r} has no letters or digits to make an id from")
        return validated(
            "the role",
            lambda: Role.model_validate(
                {
                    "id": role_id,
                    "title": title,
                    "level": self.level,
                    "family": self.family,
                    "summary": self.summary,
                    "mission": self.mission,
                    # Each list part's RolePart value is the name of its Role field.
                    **{part.value: items for part, items in self._items.items()},
                    "career_path": CareerPath(
                        feeders=self._career[RolePart.CAREER_FEEDERS],
                        next_roles=self._career[RolePart.CAREER_NEXT_ROLES],
                        adjacent_roles=self._career[RolePart.CAREER_ADJACENT_ROLES],
                        promotion_label=self.promotion_label,
                    ),
                    "source": source,
                }
            ),
        )


def validated(what: str, build: Callable[[], ModelT]) -> ModelT:
    """Build a contract model, turning a validation failure into a rejection that names the value."""
    try:
        return build()
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(step) for step in problem["loc"]) or "value"
        raise BlueprintRejected(f"{what} cannot be stored: {where}: {problem['msg']}") from error

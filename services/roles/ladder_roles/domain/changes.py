"""What changed between two versions of a role, part by part, by item id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ladder_contracts.role import PartChange, Role, RolePart

# Parts that are lists of items with ids, and where each lives on the role.
ITEM_PARTS: dict[RolePart, str] = {
    RolePart.RESPONSIBILITIES: "responsibilities",
    RolePart.COMPETENCIES: "competencies",
    RolePart.KPIS: "kpis",
    RolePart.SCORECARD_DIMENSIONS: "scorecard_dimensions",
    RolePart.INTERVIEW_EXERCISES: "interview_exercises",
    RolePart.SCENARIOS: "scenarios",
    RolePart.TOOLS: "tools",
    RolePart.DECISION_RIGHTS: "decision_rights",
    RolePart.CAREER_FEEDERS: "career_path.feeders",
    RolePart.CAREER_NEXT_ROLES: "career_path.next_roles",
    RolePart.CAREER_ADJACENT_ROLES: "career_path.adjacent_roles",
    RolePart.PROMOTION_CRITERIA: "promotion_criteria",
}
_PROFILE_FIELDS = ("title", "level", "family", "summary", "mission")


def part_items(role: Role, part: RolePart) -> list[Any]:
    """The items of one list part of ``role``."""
    value: Any = role
    for attribute in ITEM_PARTS[part].split("."):
        value = getattr(value, attribute)
    return list(value)


def _items(role: Role | None, part: RolePart) -> dict[str, Any]:
    if role is None:
        return {}
    return {getattr(item, "id", None) or item.role_id: item for item in part_items(role, part)}


def _keyed_change(part: RolePart, old: dict[str, Any], new: dict[str, Any]) -> PartChange | None:
    change = PartChange(
        part=part,
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=sorted(key for key in new.keys() & old.keys() if new[key] != old[key]),
    )
    return change if change.added or change.removed or change.changed else None


def _field_change(part: RolePart, old: Any, new: Any, fields: Sequence[str]) -> PartChange | None:
    if old is None:
        present = [name for name in fields if getattr(new, name) is not None]
        return PartChange(part=part, added=present) if present else None
    changed = [name for name in fields if getattr(old, name) != getattr(new, name)]
    return PartChange(part=part, changed=changed) if changed else None


def diff_roles(old: Role | None, new: Role) -> list[PartChange]:
    """Changes from ``old`` to ``new``; for a first version every item is listed as added."""
    changes = [
        _field_change(RolePart.PROFILE, old, new, _PROFILE_FIELDS),
        *(_keyed_change(part, _items(old, part), _items(new, part)) for part in ITEM_PARTS),
        _field_change(RolePart.SOURCE, old.source if old else None, new.source, tuple(type(new.source).model_fields)),
    ]
    return [change for change in changes if change is not None]

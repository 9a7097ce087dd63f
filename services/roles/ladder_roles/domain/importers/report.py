"""What one import found in a document, what it used, and what it left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ladder_contracts.common import SourceShape
from ladder_contracts.role import Role, RolePart

from ladder_roles.domain.changes import ITEM_PARTS, part_items


@dataclass(frozen=True)
class ImportReport:
    """The account of one import: every section is either used, reported as not modeled, or warned about."""

    shape: SourceShape
    sections_found: tuple[str, ...]
    """Every section heading of the document, in document order ('Parent › Child' for sub-sections)."""
    sections_absent: tuple[str, ...]
    """Sections this shape usually has that feed the role model but that the document lacks."""
    sections_not_modeled: tuple[str, ...]
    """Content that was recognised but has no place in the role model, e.g. 'Risks, Challenges, and Failure Modes'."""
    counts: Mapping[RolePart, int]
    """How many items each list part of the role received."""
    warnings: tuple[str, ...]
    """Content seen but not understood, and guesses the importer had to make."""


@dataclass(frozen=True)
class ImportResult:
    role: Role
    report: ImportReport


class Findings:
    """Collects, while a document is read, what goes into its :class:`ImportReport`."""

    def __init__(self) -> None:
        self._found: list[str] = []
        self._absent: list[str] = []
        self._not_modeled: list[str] = []
        self._warnings: list[str] = []

    def found(self, heading: str) -> None:
        self._found.append(heading)

    def absent(self, section: str) -> None:
        _append_once(self._absent, section)

    def not_modeled(self, what: str) -> None:
        _append_once(self._not_modeled, what)

    def warn(self, message: str) -> None:
        _append_once(self._warnings, message)

    def report(self, shape: SourceShape, role: Role) -> ImportReport:
        return ImportReport(
            shape=shape,
            sections_found=tuple(self._found),
            sections_absent=tuple(self._absent),
            sections_not_modeled=tuple(self._not_modeled),
            counts=count_parts(role),
            warnings=tuple(self._warnings),
        )


def count_parts(role: Role) -> dict[RolePart, int]:
    """Number of items in each list part of ``role``."""
    return {part: len(part_items(role, part)) for part in ITEM_PARTS}


def _append_once(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)

"""Why a blueprint document is refused: nothing of it is stored."""

from __future__ import annotations

from ladder_roles.domain.errors import RolesError


class BlueprintRejected(RolesError):
    """The document cannot be imported; ``reason`` names what is wrong with it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @classmethod
    def without_title(cls, shape: str, looked_for: str) -> BlueprintRejected:
        return cls(f"the {shape} document names no role title (looked for {looked_for})")

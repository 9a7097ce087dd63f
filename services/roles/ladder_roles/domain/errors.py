"""What the roles domain refuses, each saying exactly why."""


class RolesError(Exception):
    """Base of every rejection by the roles domain."""


class StaleRoleVersion(RolesError):
    def __init__(self, role_id: str, *, expected: int, current: int) -> None:
        super().__init__(
            f"role {role_id!r} is at version {current}, not {expected}: reload it and apply your edit again"
        )
        self.role_id, self.expected, self.current = role_id, expected, current


class RoleNotFound(RolesError):
    def __init__(self, role_id: str, version: int | None = None) -> None:
        what = f"version {version} of role {role_id!r}" if version is not None else f"role {role_id!r}"
        super().__init__(f"{what} does not exist")
        self.role_id, self.version = role_id, version


class ConcurrentRoleUpdate(RolesError):
    def __init__(self, role_id: str) -> None:
        super().__init__(f"role {role_id!r} was changed by someone else at the same time: reload it and try again")
        self.role_id = role_id

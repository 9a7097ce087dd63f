"""Stable ids: a role's id is the slug of its title, an item's id the slug of its name."""

from __future__ import annotations

from ladder_contracts.role import slugify

# Items named only by their text (a responsibility, a scenario) would otherwise get ids of up to 128
# characters; cutting at a word boundary keeps them readable and just as stable.
_MAX_ITEM_ID_LENGTH = 60


class IdAllocator:
    """Gives each name its slug, once: a repeated slug gets ``-2``, ``-3``... in document order.

    Ids therefore depend only on the document, so re-importing it yields the same ids.
    """

    def __init__(self, fallback: str) -> None:
        self._fallback = fallback
        self._taken: set[str] = set()

    def allocate(self, name: str) -> str:
        base = _readable(slug_of(name) or self._fallback)
        candidate, copy = base, 1
        while candidate in self._taken:
            copy += 1
            candidate = f"{base}-{copy}"
        self._taken.add(candidate)
        return candidate


def slug_of(name: str) -> str | None:
    """The slug of ``name`` (:func:`~ladder_contracts.role.slugify`), or ``None`` when it has no letters or digits."""
    try:
        return slugify(name)
    except ValueError:
        return None


def _readable(slug: str) -> str:
    if len(slug) <= _MAX_ITEM_ID_LENGTH:
        return slug
    return slug[: _MAX_ITEM_ID_LENGTH + 1].rsplit("-", 1)[0] or slug[:_MAX_ITEM_ID_LENGTH]

"""The career graph: every role a blueprint describes or a career path names.

Edges point the way a career moves: ``A -> B`` when B is one of A's next
roles, or A one of B's feeders (promotion), and both ways between adjacent
roles (lateral moves). Roles named only in career paths are stub nodes: they
have a title and no blueprint, and are still reachable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ladder_contracts.role import Role, RoleRef


class Move(StrEnum):
    PROMOTION = "promotion"
    LATERAL = "lateral"


@dataclass(frozen=True)
class CareerNode:
    role_id: str
    title: str
    has_blueprint: bool


@dataclass(frozen=True)
class CareerEdge:
    source: str
    target: str
    move: Move
    time_range: str | None = None
    stated_by: str = ""
    """Id of the role whose blueprint names this move."""


@dataclass
class CareerGraph:
    nodes: dict[str, CareerNode] = field(default_factory=dict)
    edges: dict[str, list[CareerEdge]] = field(default_factory=dict)

    @classmethod
    def from_roles(cls, roles: Iterable[Role]) -> CareerGraph:
        graph = cls()
        roles = list(roles)
        for role in roles:
            graph._add_node(CareerNode(role.id, role.title, has_blueprint=True))
        for role in roles:
            path = role.career_path
            for ref in path.next_roles:
                graph._add_edge(role.id, ref, Move.PROMOTION, stated_by=role.id)
            for ref in path.feeders:
                graph._add_node(CareerNode(ref.role_id, ref.title, has_blueprint=False))
                graph._link(CareerEdge(ref.role_id, role.id, Move.PROMOTION, ref.time_range, role.id))
            for ref in path.adjacent_roles:
                graph._add_edge(role.id, ref, Move.LATERAL, stated_by=role.id)
                graph._link(CareerEdge(ref.role_id, role.id, Move.LATERAL, ref.time_range, role.id))
        return graph

    def _add_node(self, node: CareerNode) -> None:
        # A blueprint wins over a mention; the first mention's title wins over later ones.
        existing = self.nodes.get(node.role_id)
        if existing is None or (node.has_blueprint and not existing.has_blueprint):
            self.nodes[node.role_id] = node

    def _add_edge(self, source: str, ref: RoleRef, move: Move, *, stated_by: str) -> None:
        self._add_node(CareerNode(ref.role_id, ref.title, has_blueprint=False))
        self._link(CareerEdge(source, ref.role_id, move, ref.time_range, stated_by))

    def _link(self, edge: CareerEdge) -> None:
        out = self.edges.setdefault(edge.source, [])
        if not any(e.target == edge.target and e.move == edge.move for e in out):
            out.append(edge)

    def next_roles(self, role_id: str) -> list[CareerEdge]:
        return [e for e in self.edges.get(role_id, []) if e.move is Move.PROMOTION]

    def lateral_roles(self, role_id: str) -> list[CareerEdge]:
        return [e for e in self.edges.get(role_id, []) if e.move is Move.LATERAL]

    def feeders(self, role_id: str) -> list[CareerEdge]:
        return [e for edges in self.edges.values() for e in edges if e.target == role_id and e.move is Move.PROMOTION]

    def shortest_path(self, source: str, target: str) -> list[CareerEdge] | None:
        """Fewest moves from ``source`` to ``target`` (breadth-first); [] when they are the same role."""
        if source not in self.nodes or target not in self.nodes:
            return None
        previous: dict[str, CareerEdge | None] = {source: None}
        queue = deque([source])
        while queue:
            current = queue.popleft()
            if current == target:
                path: list[CareerEdge] = []
                while (edge := previous[current]) is not None:
                    path.append(edge)
                    current = edge.source
                return path[::-1]
            for edge in sorted(self.edges.get(current, []), key=lambda e: (e.move != Move.PROMOTION, e.target)):
                if edge.target not in previous:
                    previous[edge.target] = edge
                    queue.append(edge.target)
        return None

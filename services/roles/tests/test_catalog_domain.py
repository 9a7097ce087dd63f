"""Role versions, change summaries and the career graph, without any infrastructure."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from ladder_contracts.common import SourceShape
from ladder_contracts.events.roles import RoleChangeOrigin
from ladder_contracts.role import CareerPath, Kpi, Role, RoleRef, RolePart, RoleSource

from ladder_roles.domain.career_graph import CareerGraph, Move
from ladder_roles.domain.changes import diff_roles
from ladder_roles.domain.errors import StaleRoleVersion
from ladder_roles.domain.model import RoleLineage

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def role(title: str, *, kpis=(), next_roles=(), feeders=(), adjacent=(), summary: str | None = None) -> Role:
    def refs(titles):
        return [RoleRef(role_id=t.lower().replace(" ", "-"), title=t, time_range="1-2 years") for t in titles]

    return Role(
        id=title.lower().replace(" ", "-"),
        title=title,
        summary=summary,
        kpis=[Kpi(id=k.lower().replace(" ", "-"), name=k, target=t) for k, t in kpis],
        career_path=CareerPath(next_roles=refs(next_roles), feeders=refs(feeders), adjacent_roles=refs(adjacent)),
        source=RoleSource(file_name="f.txt", shape=SourceShape.ROLE_PROFILE_TEXT, sha256=hashlib.sha256(title.encode()).hexdigest()),
    )


def test_first_version_lists_every_item_as_added_and_raises_one_event():
    lineage = RoleLineage("analyst")
    assert lineage.record(role("Analyst", kpis=[("Accuracy", ">95%")]), origin=RoleChangeOrigin.IMPORT, at=NOW)
    (event,) = lineage.events
    assert (event.role_version, event.previous_role_version) == (1, None)
    assert any(c.part is RolePart.KPIS and c.added == ["accuracy"] for c in event.changes)


def test_same_content_makes_no_version_and_no_event():
    lineage = RoleLineage("analyst")
    lineage.record(role("Analyst"), origin=RoleChangeOrigin.IMPORT, at=NOW)
    lineage.events.clear()
    assert not lineage.record(role("Analyst"), origin=RoleChangeOrigin.IMPORT, at=NOW)
    assert lineage.version == 1 and lineage.events == []


def test_stale_expected_version_is_refused():
    lineage = RoleLineage("analyst")
    lineage.record(role("Analyst"), origin=RoleChangeOrigin.IMPORT, at=NOW)
    with pytest.raises(StaleRoleVersion, match="at version 1, not 0"):
        lineage.record(role("Analyst", summary="new"), origin=RoleChangeOrigin.EDIT, at=NOW, expected_version=0)


def test_diff_reports_added_removed_and_changed_ids_per_part():
    old = role("Analyst", kpis=[("Accuracy", ">95%"), ("Latency", "<100ms")], summary="a")
    new = role("Analyst", kpis=[("Accuracy", ">97%"), ("Coverage", "80%")], summary="b")
    changes = {c.part: c for c in diff_roles(old, new)}
    assert changes[RolePart.KPIS].added == ["coverage"]
    assert changes[RolePart.KPIS].removed == ["latency"]
    assert changes[RolePart.KPIS].changed == ["accuracy"]
    assert changes[RolePart.PROFILE].changed == ["summary"]
    assert RolePart.COMPETENCIES not in changes


def test_career_graph_has_stub_nodes_feeders_and_shortest_paths():
    graph = CareerGraph.from_roles(
        [
            role("Junior Engineer", next_roles=["Engineer"], feeders=["Intern"], adjacent=["Data Engineer"]),
            role("Engineer", next_roles=["Senior Engineer"]),
        ]
    )
    assert graph.nodes["intern"].has_blueprint is False and graph.nodes["engineer"].has_blueprint is True
    assert [e.target for e in graph.next_roles("junior-engineer")] == ["engineer"]
    assert {e.source for e in graph.feeders("junior-engineer")} == {"intern"}
    path = graph.shortest_path("intern", "senior-engineer")
    assert [e.target for e in path] == ["junior-engineer", "engineer", "senior-engineer"]
    assert [e.move for e in graph.shortest_path("data-engineer", "engineer")] == [Move.LATERAL, Move.PROMOTION]
    assert graph.shortest_path("senior-engineer", "intern") is None
    assert graph.shortest_path("engineer", "engineer") == []

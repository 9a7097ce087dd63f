"""Readiness criteria for the real blueprints: every seed, as the roles importer normalizes it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ladder_contracts.common import CriterionKind, ExperienceLevel
from ladder_contracts.role import Role
from ladder_progression.domain.criteria import CriteriaSet, derive_criteria
from ladder_roles.domain.importers import import_blueprint

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture(scope="module")
def seed_roles() -> dict[str, Role]:
    roles = [import_blueprint(path.name, path.read_bytes()).role for path in sorted(SEEDS.iterdir())]
    return {role.id: role for role in roles}


def towards_first_next_role(roles: dict[str, Role], role_id: str) -> CriteriaSet:
    current = roles[role_id]
    step = current.career_path.next_roles[0]
    target = roles.get(step.role_id)
    return derive_criteria(
        current,
        1,
        target_role_id=step.role_id,
        target_title=step.title,
        target=target,
        target_version=1 if target else None,
    )


def test_every_seed_with_a_next_role_yields_criteria_with_unique_keys_and_kpis_sharing_one_weight(seed_roles):
    with_next = [role_id for role_id, role in seed_roles.items() if role.career_path.next_roles]
    assert len(with_next) == 4
    for role_id in with_next:
        criteria = towards_first_next_role(seed_roles, role_id).criteria
        assert criteria, role_id
        assert len({c.key for c in criteria}) == len(criteria)
        kpis = [c for c in criteria if c.kind is CriterionKind.KPI]
        assert sum(c.weight for c in kpis) == pytest.approx(3.0)
        assert all(c.weight > 0 for c in criteria)


def test_the_associate_post_is_judged_on_its_promotion_criteria_first(seed_roles):
    criteria = towards_first_next_role(seed_roles, "associate-applied-ai-engineer")
    assert (criteria.target_role_id, criteria.target_level) == ("applied-ai-engineer-mid-level", ExperienceLevel.MID)
    kinds = Counter(c.kind for c in criteria.criteria)
    assert kinds[CriterionKind.PROMOTION_CRITERION] == 4
    promotion = [c for c in criteria.criteria if c.kind is CriterionKind.PROMOTION_CRITERION]
    assert all(c.blocking and c.weight == 3.0 for c in promotion)
    assert any("Independent delivery" in c.title for c in promotion)


def test_the_support_specialist_profile_is_judged_on_its_senior_decision_behaviours(seed_roles):
    criteria = towards_first_next_role(seed_roles, "ai-ml-support-specialist")
    assert criteria.target_level is ExperienceLevel.SENIOR  # 'Senior … (L3)' has no blueprint: its title says
    behaviours = {c.id: c for c in criteria.criteria if c.kind is CriterionKind.BEHAVIOUR}
    runbooks = behaviours["troubleshooting-steps-for-a-known-issue"]
    assert runbooks.expectation.startswith("Designs new runbooks for novel issues")
    assert runbooks.drawn_from == "ai-ml-support-specialist"

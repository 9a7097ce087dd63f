"""Tracks without infrastructure: hires, the career path's default target, chosen targets, the readiness clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ladder_progression.domain.errors import TargetIsCurrentRole, UnknownTargetRole
from ladder_progression.domain.track import Cause, ChangeReason, Track, TrackField
from progression_builders import T0, associate

CAUSE = Cause("event-1", "hr.employee.hired.v1", T0)


def hired(role_id: str = "associate-engineer") -> Track:
    track = Track("person-1")
    track.hire(role_id=role_id, hired_at=T0, team_id="team-a", manager_id="manager-1", cause=CAUSE)
    track.follow((1, associate()), cause=CAUSE)
    return track


def test_a_hire_starts_a_track_aimed_at_the_first_next_role():
    track = hired()
    assert (track.current_role_id, track.current_role_version, track.target_role_id) == ("associate-engineer", 1, "engineer")
    assert not track.target_chosen
    assert [(c.field, c.new, c.reason) for c in track.changes] == [
        (TrackField.CURRENT_ROLE, "associate-engineer", ChangeReason.HIRED),
        (TrackField.TEAM, "team-a", ChangeReason.HIRED),
        (TrackField.MANAGER, "manager-1", ChangeReason.HIRED),
        (TrackField.TARGET_ROLE, "engineer", ChangeReason.CAREER_PATH),
    ]
    assert track.as_of == T0


def test_a_chosen_target_sticks_across_role_versions_until_reset():
    track = hired()
    track.choose_target("data-engineer", current=(1, associate()), has_blueprint=False, cause=CAUSE)  # adjacent role
    track.follow((2, associate()), cause=CAUSE)
    assert (track.target_role_id, track.target_chosen, track.current_role_version) == ("data-engineer", True, 2)

    track.choose_target(None, current=(2, associate()), has_blueprint=False, cause=CAUSE)
    assert (track.target_role_id, track.target_chosen) == ("engineer", False)
    assert [c.reason for c in track.changes[-2:]] == [ChangeReason.CHOSEN, ChangeReason.CAREER_PATH]


def test_a_target_must_be_a_known_role_other_than_the_current_one():
    track = hired()
    with pytest.raises(UnknownTargetRole, match="^target_role_id: 'astronaut'"):
        track.choose_target("astronaut", current=(1, associate()), has_blueprint=False, cause=CAUSE)
    with pytest.raises(TargetIsCurrentRole, match="^target_role_id:"):
        track.choose_target("associate-engineer", current=(1, associate()), has_blueprint=True, cause=CAUSE)
    track.choose_target("staff-engineer", current=(1, associate()), has_blueprint=True, cause=CAUSE)  # has a blueprint
    assert track.target_role_id == "staff-engineer"


def test_being_hired_into_the_chosen_target_hands_the_target_back_to_the_career_path():
    track = hired()
    track.choose_target("ml-engineer", current=(1, associate()), has_blueprint=False, cause=CAUSE)
    track.hire(role_id="ml-engineer", hired_at=T0 + timedelta(days=400), team_id="team-a", manager_id="manager-1", cause=CAUSE)
    assert (track.current_role_id, track.target_role_id, track.target_chosen) == ("ml-engineer", None, False)
    assert track.changes[-1].reason is ChangeReason.TARGET_REACHED
    assert track.current_role_version is None  # until the new role's version is followed


def test_the_readiness_clock_only_moves_forward_whatever_the_arrival_order():
    track = hired()
    track.observe(T0 + timedelta(days=10))
    track.observe(T0 + timedelta(days=3))
    assert track.as_of == T0 + timedelta(days=10)

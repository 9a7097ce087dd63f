"""Documents the importer refuses, and documents written differently from the seeds but of the same shapes."""

from __future__ import annotations

import json

import pytest

from ladder_contracts.common import SourceShape

from ladder_roles.domain.importers import MAX_DOCUMENT_BYTES, BlueprintRejected, import_blueprint

PROFILE = """\
Role Summary
The Data Quality Analyst keeps our training data trustworthy.
Key Responsibilities
- Level: Data Quality Analyst (Entry-Level)
- Responsibilities: Run the daily data checks.
- Triage failed checks with the data owners.
Performance Metrics
- Metric: Check coverage
- Target: 90% of tables
- Freq: Monthly
Technical Competencies
- Skill: SQL
- Level: Beginner
Digital Tools
- Tool: Great Expectations
- Usage: Writing data checks.
Career Progression From This Role
- Pathway: Data Engineer (12-18 months)
"""

CMS_POST = {
    "title": {"rendered": "Support Lead &#8211; Role Blueprint"},
    "content": {
        "rendered": (
            "<h2>1) Role Summary</h2><p>The Support Lead runs the AT&amp;T support desk.</p>"
            "<h2>7) KPIs</h2><figure><table><thead><tr><th>Metric</th><th>Target</th><th>Frequency</th></tr></thead>"
            "<tbody><tr><td>First reply time</td><td>&lt; 1 hour</td><td>Weekly</td></tr></tbody></table></figure>"
        )
    },
}


def rejection(content: bytes, **options) -> str:
    with pytest.raises(BlueprintRejected) as raised:
        import_blueprint("document.txt", content, **options)
    assert raised.value.reason == str(raised.value)
    return raised.value.reason


def post(document: dict) -> bytes:
    return json.dumps(document).encode()


# --- rejections ----------------------------------------------------------------------------


def test_unknown_shape_is_rejected():
    reason = rejection(b"Meeting notes\nWe talked about the roadmap and agreed on next steps.\n")
    assert reason.startswith("unknown blueprint shape: expected a CMS post (JSON with content.rendered HTML)")


def test_json_that_is_not_a_cms_post_is_rejected():
    assert (
        rejection(post({"title": "Support Lead"}))
        == "the JSON document is not a CMS post: it has no content.rendered HTML"
    )


def test_invalid_json_is_rejected_with_its_position():
    reason = rejection(b'{"content": {"rendered": "<h2>Summary</h2>"\n')
    assert reason.startswith("invalid JSON at line 2 column 1: ")


def test_oversize_document_is_rejected_before_it_is_read():
    assert rejection(b"x" * 101, max_bytes=100) == "document too large: 101 bytes, the limit is 100 bytes"
    too_large = PROFILE.encode() + b" " * MAX_DOCUMENT_BYTES
    assert rejection(too_large).startswith(f"document too large: {len(too_large)} bytes, the limit is 2097152 bytes")


def test_invalid_utf8_is_rejected_with_its_byte_offset():
    assert rejection(b"Role Summary\n\xff\xfe") == "document is not valid UTF-8: invalid byte at offset 13"


def test_empty_document_is_rejected():
    assert rejection(b" \n\t") == "document is empty"


def test_cms_post_without_a_title_is_rejected():
    untitled = {"content": {"rendered": "<h2>1) Role Summary</h2><p>Builds things.</p>"}}
    assert rejection(post(untitled)).startswith("the cms-post-json document names no role title")


def test_role_profile_without_a_title_is_rejected():
    untitled = PROFILE.replace("- Level: Data Quality Analyst (Entry-Level)\n", "").replace(
        "The Data Quality Analyst keeps", "Someone keeps"
    )
    assert rejection(untitled.encode()).startswith("the role-profile-text document names no role title")


def test_skill_guide_without_a_title_is_rejected():
    guide = b"Skill Guide\nThe practice of tracing failures.\nScenario\nThe model is slow.\n"
    assert rejection(guide).startswith("the skill-guide-text document names no role title")


# --- documents of the known shapes written differently ------------------------------------------


def test_an_unknown_section_is_reported_not_silently_dropped():
    with_extra = PROFILE + "Office Snacks\n- Fruit: apples on Fridays.\n"
    report = import_blueprint("profile.txt", with_extra.encode()).report
    assert "Office Snacks" in report.sections_found
    assert (
        "section 'Office Snacks' is not a known role profile section; its content was not imported" in report.warnings
    )


def test_an_unknown_cms_section_and_an_unreadable_column_are_reported():
    document = json.loads(json.dumps(CMS_POST))
    document["content"]["rendered"] = (
        document["content"]["rendered"].replace("<th>Frequency</th>", "<th>Owner</th>")
        + "<h2>21) Office Snacks</h2><p>Fruit on Fridays.</p>"
    )
    report = import_blueprint("post.json", post(document)).report
    assert (
        "section '21) Office Snacks' is not a known CMS post section; its content was not imported" in report.warnings
    )
    assert "7) KPIs: table column 'Owner' is not understood; its values were not imported" in report.warnings


def test_cms_post_titled_by_its_post_title_with_entities_decoded():
    role = import_blueprint("post.json", post(CMS_POST)).role
    assert (role.id, role.title) == ("support-lead", "Support Lead")
    assert role.summary == "The Support Lead runs the AT&T support desk."
    assert (role.kpis[0].name, role.kpis[0].target, role.kpis[0].frequency) == (
        "First reply time",
        "< 1 hour",
        "Weekly",
    )


def test_headings_match_whatever_their_case_numbering_and_trailing_colon():
    renamed = PROFILE.replace("Performance Metrics", "3. PERFORMANCE METRICS:").replace(
        "Digital Tools", "Digital tools"
    )
    role = import_blueprint("profile.txt", renamed.encode()).role
    assert [kpi.name for kpi in role.kpis] == ["Check coverage"]
    assert [tool.name for tool in role.tools] == ["Great Expectations"]


def test_a_time_range_written_into_a_career_title_becomes_the_time_range():
    (next_role,) = import_blueprint("profile.txt", PROFILE.encode()).role.career_path.next_roles
    assert (next_role.role_id, next_role.title, next_role.time_range) == (
        "data-engineer",
        "Data Engineer",
        "12-18 months",
    )


def test_items_with_the_same_name_get_deterministic_distinct_ids():
    repeated = PROFILE.replace("- Freq: Monthly\n", "- Freq: Monthly\n- Metric: Check coverage\n- Target: 95%\n")
    role = import_blueprint("profile.txt", repeated.encode()).role
    assert [kpi.id for kpi in role.kpis] == ["check-coverage", "check-coverage-2"]


def test_a_byte_order_mark_is_not_content():
    result = import_blueprint("profile.txt", "\ufeff".encode() + PROFILE.encode())
    assert result.report.shape is SourceShape.ROLE_PROFILE_TEXT
    assert result.role.title == "Data Quality Analyst"
    assert result.role.competencies[0].expected_level_label == "Beginner"

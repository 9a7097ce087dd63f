"""CMS posts exported as JSON (WordPress REST API): the blueprint is the HTML in ``content.rendered``.

The HTML has numbered ``h2`` sections ('7) KPIs and Productivity Metrics') with ``h3`` sub-sections
('Must-have technical skills', 'Next likely roles after this role'). Lists carry responsibilities,
skills, career moves and criteria; tables carry KPIs, tools and scorecard dimensions, their columns
recognised by their titles rather than their positions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bs4 import BeautifulSoup

from ladder_contracts.common import SourceShape
from ladder_contracts.role import RolePart

from ladder_roles.domain.importers.draft import RoleDraft
from ladder_roles.domain.importers.errors import BlueprintRejected
from ladder_roles.domain.importers.html_blocks import Block, HtmlSection, Item, ItemList, Prose, Table, read_html
from ladder_roles.domain.importers.report import Findings
from ladder_roles.domain.importers.sections import (
    SectionReader,
    SectionRule,
    heading_key,
    read_sections,
    section_rule,
    without_numbering,
)
from ladder_roles.domain.importers.text import (
    clean_text,
    join_paragraphs,
    label_key,
    quote,
    split_label,
    trailing_parenthetical,
    unwrap_parentheses,
    without_trailing_colon,
)
from ladder_roles.domain.importers.vocabulary import (
    family_of,
    importance_of,
    is_importance,
    seniority_in_text,
    seniority_in_title,
    split_importance,
)

SHAPE = SourceShape.CMS_POST_JSON
_POST_TITLE_SUFFIX = re.compile(r":\s|\s[–—|-]\s")  # 'Junior AI Engineer: Role Blueprint, ...'
_Columns = tuple[tuple[str, re.Pattern[str]], ...]


def _columns(**patterns: str) -> _Columns:
    """Table columns by field, each recognised by a pattern on its title; earlier fields are tried first."""
    return tuple((name, re.compile(pattern)) for name, pattern in patterns.items())


_KPI_COLUMNS = _columns(
    name=r"metric|kpi",
    target=r"target|benchmark",
    measures=r"measure",
    why_it_matters=r"\bwhy\b",
    frequency=r"frequen|cadence|how often",
    category=r"\btype\b|categor",
    example=r"example",
)
_TOOL_COLUMNS = _columns(
    name=r"tool|platform|software|\bname\b",
    category=r"categor",
    usage=r"\buse\b|usage|purpose",
    adoption=r"adoption|common|optional|prevalence",
    proficiency=r"proficien|\blevel\b",
)
_SCORECARD_COLUMNS = _columns(
    name=r"dimension|competenc|criteri|\barea\b",
    meets=r"\bmeets\b",
    exceeds_or_strong=r"exceed|strong",
    concerns=r"concern|red flag|\bweak|\brisk",
)
# Labels of a skill's sub-points ('– Use in role: ...'), by label_key, and the Competency field each fills.
_COMPETENCY_LABELS = {
    "description": "description",
    "definition": "description",
    "use": "usage",
    "usage": "usage",
    "useinrole": "usage",
    "importance": "importance_label",
    "why": "why_it_matters",
    "whyitmatters": "why_it_matters",
    "onthejob": "shows_up_as",
    "showsupas": "shows_up_as",
    "inpractice": "shows_up_as",
    "strongperformance": "strong_performance",
    "whatstronglookslike": "strong_performance",
}


# --- recognising and loading the post ---------------------------------------------------


def recognises(text: str) -> bool:
    """Anything that looks like JSON can only be a CMS post; it is rejected if it is not a valid one."""
    if not text.lstrip().startswith(("{", "[")):
        return False
    _load_post(text)
    return True


def _load_post(text: str) -> tuple[Mapping[str, Any], str]:
    try:
        post = json.loads(text)
    except json.JSONDecodeError as error:
        raise BlueprintRejected(f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    content = post.get("content") if isinstance(post, dict) else None
    html = content.get("rendered") if isinstance(content, dict) else None
    if not isinstance(html, str) or not html.strip():
        raise BlueprintRejected("the JSON document is not a CMS post: it has no content.rendered HTML")
    return post, html


def parse(text: str, findings: Findings) -> RoleDraft:
    post, html = _load_post(text)
    preamble, sections = read_html(html)
    draft = RoleDraft(findings)
    if preamble.has_content():
        findings.warn("content before the first heading was not imported")
    for section in sections:
        for part in section.parts():
            findings.found(part.path)
    read_sections(sections, _RULES, draft, shape="CMS post")
    draft.title = draft.title or _post_title(post)
    if not draft.title:
        raise BlueprintRejected.without_title(SHAPE, "a 'Role title' row in the scorecard summary, or title.rendered")
    draft.level = seniority_in_title(draft.title) or draft.level
    return draft


def _post_title(post: Mapping[str, Any]) -> str | None:
    """The role named at the start of the post title: 'Junior AI Engineer: Role Blueprint, ...'."""
    title = post.get("title")
    rendered = title.get("rendered") if isinstance(title, dict) else title
    if not isinstance(rendered, str):
        return None
    text = clean_text(BeautifulSoup(rendered, "html.parser").get_text())
    return _POST_TITLE_SUFFIX.split(text, maxsplit=1)[0].strip() or None


# --- profile: title, summary, mission ------------------------------------------------------


def _read_scorecard_summary(section: HtmlSection, draft: RoleDraft) -> None:
    """The closing summary table; its 'Role title' row names the role, other rows restate earlier sections."""
    restated: list[str] = []
    for table in (table for part in section.parts() for table in part.tables()):
        for row in (table.header, *table.rows):  # a table without a header row starts with 'Role title'
            if len(row) >= 2 and heading_key(row[0]) == "role title" and row[1]:
                draft.title = draft.title or row[1]
            elif row is not table.header:
                restated.append(row[0])
    if restated:
        draft.findings.not_modeled(f"{section.path} (rows: {', '.join(restated)})")


def _read_summary(section: HtmlSection, draft: RoleDraft) -> None:
    """Plain paragraphs are the summary; labelled facts ('Role horizon: Current') have no place in the model."""
    paragraphs = _paragraphs(section)
    draft.summary = join_paragraphs(paragraph.text for paragraph in paragraphs if paragraph.lead is None)
    draft.family = family_of(draft.summary)
    draft.level = draft.level or seniority_in_text(draft.summary or "")
    facts = [paragraph for paragraph in paragraphs if paragraph.lead]
    _report_not_modeled(section, [*facts, *(entry for part in section.parts() for entry in part.entries())], draft)


def _read_mission(section: HtmlSection, draft: RoleDraft) -> None:
    """The paragraph led by 'Core mission:' (or else the first plain paragraph) is the mission."""
    paragraphs = _paragraphs(section)
    mission = next((paragraph for paragraph in paragraphs if "mission" in (paragraph.lead or "").casefold()), None)
    mission = mission or next((paragraph for paragraph in paragraphs if paragraph.lead is None), None)
    if mission is not None:
        draft.mission = join_paragraphs([mission.body, *mission.sub_points])
    _report_not_modeled(section, [paragraph for paragraph in paragraphs if paragraph is not mission], draft)


def _paragraphs(section: HtmlSection) -> list[Item]:
    return [paragraph for part in section.parts() for paragraph in part.paragraphs()]


def _report_not_modeled(section: HtmlSection, items: list[Item], draft: RoleDraft) -> None:
    if items:
        draft.findings.not_modeled(f"{section.path}: {', '.join(_label(item) for item in items)}")


# --- lists: responsibilities, competencies, decision rights -------------------------------


def _read_responsibilities(section: HtmlSection, draft: RoleDraft) -> None:
    """Responsibilities by sub-section ('Technical responsibilities'); the introduction may state the level."""
    draft.level = draft.level or seniority_in_text(" ".join(paragraph.text for paragraph in section.paragraphs()))
    for part in section.parts():
        for entry in part.entries():
            draft.add_item(
                RolePart.RESPONSIBILITIES,
                entry.lead or entry.text,
                category=without_numbering(part.heading),
                text=entry.text,
                sub_points=entry.sub_points,
            )
        _report_leftovers(part, draft, read=ItemList)


def _read_competencies(section: HtmlSection, draft: RoleDraft) -> None:
    """Skills by sub-section ('Must-have technical skills'); a skill's dash lines fill its fields."""
    for part in section.parts():
        for entry in part.entries():
            _add_competency(entry, without_numbering(part.heading), draft)
        _report_leftovers(part, draft, read=ItemList)


def _add_competency(entry: Item, category: str, draft: RoleDraft) -> None:
    """A skill item: its name and importance, then '– Use: ...' points that fill its fields."""
    name, importance_label, rest = _skill_name(entry)
    fields: dict[str, list[str]] = {"description": [rest] if rest else []}
    for point in entry.sub_points:
        label, value = split_label(point)
        field = _COMPETENCY_LABELS.get(label_key(label)) if label else None
        if field == "importance_label" and importance_label is None:
            importance_label = value
        elif field is not None and field != "importance_label":
            fields.setdefault(field, []).append(value)
        else:  # 'Includes: NumPy, pandas', 'Examples: ...': kept, as written, in the description
            fields["description"].append(point)
    draft.add_item(
        RolePart.COMPETENCIES,
        name,
        name=name,
        category=category,
        importance=importance_of(importance_label) if importance_label else None,
        importance_label=importance_label,
        description=join_paragraphs(fields.pop("description")),
        **{field: " ".join(values) for field, values in fields.items()},
    )


def _skill_name(entry: Item) -> tuple[str, str | None, str]:
    """The skill's name, its importance as written, and the text left after them.

    The bold words name the skill; the importance follows in them or after them:
    '**Python for ML and data (Critical)**', '**Python for ML engineering** — Critical',
    '**Unit testing basics** (e.g., pytest) — Important'.
    """
    name, importance_label = split_importance(entry.lead or entry.text)
    rest = entry.body if entry.lead else ""
    if importance_label is None and is_importance(rest):
        return name, rest, ""
    if importance_label is None:
        rest, importance_label = split_importance(rest)
    return name, importance_label, rest


def _read_decision_rights(section: HtmlSection, draft: RoleDraft) -> None:
    """Decisions by authority sub-section ('Requires team approval'); nested points stay in the decision."""
    for part in section.parts():
        authority = without_numbering(part.heading) if part is not section else None
        for entry in part.entries():
            points = "; ".join(entry.sub_points)
            decision = f"{without_trailing_colon(entry.text)}: {points}" if points else entry.text
            draft.add_item(RolePart.DECISION_RIGHTS, entry.lead or entry.text, decision=decision, authority=authority)
        _report_leftovers(part, draft, read=ItemList)


# --- tables: KPIs, tools --------------------------------------------------------------------


def _read_kpis(section: HtmlSection, draft: RoleDraft) -> None:
    _read_table_rows(section, draft, RolePart.KPIS, _KPI_COLUMNS)


def _read_tools(section: HtmlSection, draft: RoleDraft) -> None:
    _read_table_rows(section, draft, RolePart.TOOLS, _TOOL_COLUMNS)


def _read_table_rows(section: HtmlSection, draft: RoleDraft, role_part: RolePart, columns: _Columns) -> None:
    for part in section.parts():
        for table in part.tables():
            for row in _table_rows(table, columns, part.path, draft):
                draft.add_item(role_part, row["name"], **row)
        _report_leftovers(part, draft, read=Table)


def _table_rows(table: Table, columns: _Columns, where: str, draft: RoleDraft) -> list[dict[str, str]]:
    """The table's rows as fields, by column title; columns and rows that cannot be read are reported."""
    fields: list[str | None] = []
    for title in table.header:
        key = heading_key(title)
        field = next((name for name, pattern in columns if pattern.search(key) and name not in fields), None)
        if field is None:
            draft.findings.warn(f"{where}: table column {title!r} is not understood; its values were not imported")
        fields.append(field)
    if "name" not in fields:
        draft.findings.warn(f"{where}: table without a name column, not imported (columns {list(table.header)})")
        return []
    rows = []
    for row in table.rows:
        if len(row) != len(fields):
            draft.findings.warn(f"{where}: row {quote(' | '.join(row))} has {len(row)} cells for {len(fields)} columns")
        values = {field: cell for field, cell in zip(fields, row, strict=False) if field and cell}
        if "name" in values:
            rows.append(values)
        else:
            draft.findings.warn(f"{where}: row without a name, not imported: {quote(' | '.join(row))}")
    return rows


# --- career path ----------------------------------------------------------------------------


def _read_career(section: HtmlSection, draft: RoleDraft) -> None:
    _report_leftovers(section, draft, read=())
    read_sections(section.subsections, _CAREER_RULES, draft, shape="career path", parent=section.heading)


def _role_refs(role_part: RolePart) -> SectionReader[HtmlSection]:
    """Roles listed by title, bold when a note follows: '**Staff ML Engineer** (cross-team leadership)'."""

    def read(section: HtmlSection, draft: RoleDraft) -> None:
        for entry in section.entries():
            note = " ".join(filter(None, [unwrap_parentheses(entry.body) if entry.lead else "", *entry.sub_points]))
            draft.add_role_ref(role_part, entry.lead or entry.text, note=note)
        _report_leftovers(section, draft, read=ItemList)

    return read


def _read_promotion_criteria(section: HtmlSection, draft: RoleDraft) -> None:
    """'Skills needed for promotion (Associate → Mid-level)': the heading says where promotion leads."""
    draft.promotion_label = trailing_parenthetical(section.heading)[1]
    for entry in section.entries():
        draft.add_item(RolePart.PROMOTION_CRITERIA, entry.text, text=entry.text, sub_points=entry.sub_points)
    _report_leftovers(section, draft, read=ItemList)


# --- hiring evaluation ----------------------------------------------------------------------


def _read_hiring(section: HtmlSection, draft: RoleDraft) -> None:
    _report_leftovers(section, draft, read=())
    read_sections(section.subsections, _HIRING_RULES, draft, shape="hiring evaluation", parent=section.heading)


def _read_exercises(section: HtmlSection, draft: RoleDraft) -> None:
    """'**Case study (90 minutes):** “Design an ML system ...”' with what to expect as its points."""
    for entry in section.entries():
        title = entry.lead or entry.text
        draft.add_item(
            RolePart.INTERVIEW_EXERCISES,
            title,
            title=title,
            description=entry.body if entry.lead else None,
            expectations=entry.sub_points,
        )
    _report_leftovers(section, draft, read=ItemList)


def _read_scorecard(section: HtmlSection, draft: RoleDraft) -> None:
    """A rubric table with its anchor columns, or else a plain list of dimension names."""
    rows = [row for table in section.tables() for row in _table_rows(table, _SCORECARD_COLUMNS, section.path, draft)]
    if not section.tables():
        rows = [{"name": entry.lead or entry.text} for entry in section.entries()]
    for row in rows:
        draft.add_item(RolePart.SCORECARD_DIMENSIONS, row["name"], **row)
    _report_leftovers(section, draft, read=(ItemList, Table))


# --- what a reader leaves -------------------------------------------------------------------


def _report_leftovers(section: HtmlSection, draft: RoleDraft, *, read: type[Block] | tuple[type[Block], ...]) -> None:
    """Report the blocks of ``section`` a reader does not take: paragraphs as free text, lists and tables as
    content not understood (a list where a table was expected loses its data, so it warrants a warning)."""
    where = section.path
    for block in section.blocks:
        if isinstance(block, read):
            continue
        if isinstance(block, Prose):
            if block.item.text:
                draft.findings.not_modeled(f"{where} (free text)")
        else:
            kind = "table" if isinstance(block, Table) else "list"
            draft.findings.warn(f"{where}: a {kind} was not expected there and was not imported")


def _label(item: Item) -> str:
    return item.lead or split_label(item.text)[0] or quote(item.text)


_CAREER_RULES: tuple[SectionRule[HtmlSection], ...] = (
    section_rule(
        "feeder roles", r"feeder|into this role|entry paths?|prior roles", _role_refs(RolePart.CAREER_FEEDERS)
    ),
    section_rule("next roles", r"\bnext\b", _role_refs(RolePart.CAREER_NEXT_ROLES)),
    section_rule("adjacent roles", r"adjacent|lateral|alternative", _role_refs(RolePart.CAREER_ADJACENT_ROLES)),
    section_rule("promotion criteria", r"promotion", _read_promotion_criteria),
    section_rule("role evolution", r"evolves|evolution|over time"),
)
_HIRING_RULES: tuple[SectionRule[HtmlSection], ...] = (
    section_rule("interview exercises", r"exercises?|case stud|work sample", _read_exercises),
    section_rule("scorecard dimensions", r"scorecard|rubric", _read_scorecard),
    section_rule("interview signals", r"assess|signals|red flags|questions"),
)
_RULES: tuple[SectionRule[HtmlSection], ...] = (
    section_rule("scorecard summary", r"scorecard summary", _read_scorecard_summary),
    section_rule("role summary", r"summary", _read_summary),
    section_rule("role mission", r"mission", _read_mission),
    section_rule("responsibilities", r"responsibilit", _read_responsibilities),
    section_rule("KPIs", r"\bkpis?\b|metrics", _read_kpis),
    section_rule("technical skills", r"technical (?:skills|competenc)", _read_competencies),
    section_rule("soft skills", r"soft skills|behaviou?ral", _read_competencies),
    section_rule("tools", r"\btools?\b|platforms|software", _read_tools),
    section_rule("decision rights", r"decision rights|authority", _read_decision_rights),
    section_rule("career path", r"career|progression", _read_career),
    section_rule("hiring evaluation", r"hiring|interview", _read_hiring),
    section_rule(
        "role context",
        r"activities|deliverables|goals|objectives|milestones|stack|environment|stakeholder|collaboration"
        r"|experience|qualification|risks|challenges|variants|automation|impact",
    ),
)

"""Importing role blueprints: three document shapes, one normalized :class:`~ladder_contracts.role.Role`.

The shape is recognised from the content, never from the file name: JSON with ``content.rendered``
HTML is a CMS post, text with the role-profile section headings a role profile, text with a
'Skill Guide' heading and scenarios a skill guide. Each import returns the role together with an
:class:`ImportReport` of what was found, used and left out; anything refused raises
:class:`BlueprintRejected` naming what is wrong.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from ladder_contracts.common import SourceShape
from ladder_contracts.role import RoleSource

from ladder_roles.domain.importers import cms_post_json, role_profile_text, skill_guide_text
from ladder_roles.domain.importers.draft import RoleDraft, validated
from ladder_roles.domain.importers.errors import BlueprintRejected
from ladder_roles.domain.importers.report import Findings, ImportReport, ImportResult

__all__ = ["MAX_DOCUMENT_BYTES", "BlueprintRejected", "ImportReport", "ImportResult", "import_blueprint"]

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class _ShapeImporter(Protocol):
    SHAPE: SourceShape

    def recognises(self, text: str) -> bool: ...

    def parse(self, text: str, findings: Findings) -> RoleDraft: ...


# Most distinctive shape first: a skill guide also has headings a role profile could share.
_IMPORTERS: tuple[_ShapeImporter, ...] = (cms_post_json, skill_guide_text, role_profile_text)


def import_blueprint(file_name: str, content: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> ImportResult:
    """Read one blueprint document into a role and a report of the import; raises :class:`BlueprintRejected`."""
    text = _decoded(content, max_bytes)
    importer = _importer_for(text)
    findings = Findings()
    draft = importer.parse(text, findings)
    source = validated(
        "the source",
        lambda: RoleSource(file_name=file_name, shape=importer.SHAPE, sha256=hashlib.sha256(content).hexdigest()),
    )
    role = draft.build(source)
    return ImportResult(role=role, report=findings.report(importer.SHAPE, role))


def _decoded(content: bytes, max_bytes: int) -> str:
    if len(content) > max_bytes:
        raise BlueprintRejected(f"document too large: {len(content)} bytes, the limit is {max_bytes} bytes")
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is encoding noise, not content
    except UnicodeDecodeError as error:
        raise BlueprintRejected(f"document is not valid UTF-8: invalid byte at offset {error.start}") from error
    if not text.strip():
        raise BlueprintRejected("document is empty")
    return text


def _importer_for(text: str) -> _ShapeImporter:
    for importer in _IMPORTERS:
        if importer.recognises(text):
            return importer
    raise BlueprintRejected(
        "unknown blueprint shape: expected a CMS post (JSON with content.rendered HTML), a role profile "
        "(text with sections such as 'Performance Metrics', 'Technical Competencies', 'Digital Tools') "
        "or a skill guide (text with a 'Skill Guide' section and 'Scenario' sections)"
    )

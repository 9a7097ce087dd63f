"""HTML of a CMS post read as headed sections of paragraphs, lists and tables.

CMS posts are often converted from Markdown, and keep traces of it that this reader undoes:

- list nesting written as dash lines inside one paragraph (``<p><strong>Python</strong><br/>– Use: ...``)
  becomes the item's sub-points;
- nesting flattened into one list (``<li>Operational ownership:</li><li>Reduced alert noise</li>``)
  is regrouped (see :func:`regroup_flattened`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from ladder_roles.domain.importers.text import clean_text, ends_sentence, split_label, without_trailing_colon

_TOP_HEADINGS = frozenset({"h1", "h2"})
_SUB_HEADINGS = frozenset({"h3", "h4", "h5", "h6"})
_LISTS = ("ul", "ol")
_CONTAINERS = frozenset({"figure", "div", "section", "article", "main", "blockquote", "header", "aside", "details"})
_SKIPPED = frozenset({"hr", "br", "img", "script", "style"})
_LEADS = ("strong", "b")
_DASH_LINE = re.compile(r"^[–—\-•·*]\s+")
_LEAD_SEPARATOR = re.compile(r"^\s*[:–—-]?\s*")


@dataclass(frozen=True)
class Item:
    """A list item or a paragraph: its text, its bold lead-in if any, and the points nested under it."""

    text: str
    """The item as written (lead included), without its sub-points."""
    lead: str | None = None
    """Bold words the item opens with, without a trailing colon: a name ('Python for ML and data (Critical)')."""
    body: str = ""
    """The text after the lead (all of it when there is no lead)."""
    sub_points: tuple[str, ...] = ()

    @classmethod
    def plain(cls, text: str) -> Item:
        """An item that is only text: no lead, no sub-points."""
        return cls(text=text, body=text)


@dataclass(frozen=True)
class Prose:
    item: Item


@dataclass(frozen=True)
class ItemList:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Prose | ItemList | Table


@dataclass
class HtmlSection:
    heading: str
    path: str
    """The heading with its parent's, as reports name it: '15) Career Path and Progression › Adjacent career paths'."""
    blocks: list[Block] = field(default_factory=list)
    subsections: list[HtmlSection] = field(default_factory=list)

    def has_content(self) -> bool:
        return bool(self.blocks or self.subsections)

    def entries(self) -> list[Item]:
        """The section's list items; a paragraph's dash lines count as items too (a list written as text)."""
        return [entry for block in self.blocks for entry in _entries(block)]

    def paragraphs(self) -> list[Item]:
        return [block.item for block in self.blocks if isinstance(block, Prose)]

    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    def parts(self) -> list[HtmlSection]:
        """The section (for content straight under its heading) followed by its sub-sections."""
        return [self, *self.subsections]


def read_html(html: str) -> tuple[HtmlSection, list[HtmlSection]]:
    """The content before the first heading, and the sections under ``h1``/``h2`` headings with their
    ``h3``-``h6`` sub-sections."""
    reader = _SectionReader()
    reader.read(BeautifulSoup(html, "html.parser"))
    return reader.preamble, reader.sections


def regroup_flattened(items: Sequence[Item]) -> list[Item]:
    """Restore nesting that a conversion flattened into one list.

    An item that introduces others takes the items after it as sub-points:

    - one ending with a colon takes the short items that follow (no lead, no closing full stop):
      'Operational ownership:' then 'Proactive monitoring improvements', 'Reduced alert noise';
    - one that is only bold words, not a sentence, takes the following items without bold words:
      '**AI Engineer (mid-level)**' then 'Increased ownership: designs small systems ...'.
    """
    grouped: list[Item] = []
    index = 0
    while index < len(items):
        header = items[index]
        members = list(_members(header, items[index + 1 :]))
        if members:
            header = replace(
                header,
                text=without_trailing_colon(header.text),
                body=without_trailing_colon(header.body),
                sub_points=tuple(item.text for item in members),
            )
        grouped.append(header)
        index += 1 + len(members)
    return grouped


def _members(header: Item, following: Sequence[Item]) -> Iterator[Item]:
    if header.sub_points:
        return
    # Bold words introduce others when they read as a label ('**AI Engineer (mid-level)**'), not as a
    # sentence of their own ('**No people management.**').
    bold_only = header.lead is not None and not header.body and not ends_sentence(header.text)
    if not (bold_only or header.text.endswith(":")):
        return
    for item in following:
        if item.lead is not None or item.sub_points:
            return
        if not bold_only and (item.text.endswith(":") or ends_sentence(item.text)):
            return
        yield item


def _entries(block: Block) -> list[Item]:
    if isinstance(block, ItemList):
        return list(block.items)
    if isinstance(block, Prose):
        return [Item.plain(point) for point in block.item.sub_points]
    return []


class _SectionReader:
    def __init__(self) -> None:
        self.preamble = HtmlSection(heading="", path="(before the first heading)")
        self.sections: list[HtmlSection] = []
        self._current = self.preamble

    def read(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, doctypes, CDATA: markup, not content
                continue
            if isinstance(child, NavigableString):
                if text := clean_text(str(child)):
                    self._current.blocks.append(Prose(Item.plain(text)))
            elif isinstance(child, Tag):
                self._read_element(child)

    def _read_element(self, element: Tag) -> None:
        name = element.name
        if name in _TOP_HEADINGS:
            self._open_section(clean_text(element.get_text(" ")))
        elif name in _SUB_HEADINGS:
            self._open_subsection(clean_text(element.get_text(" ")))
        elif name in _LISTS:
            self._current.blocks.append(ItemList(tuple(regroup_flattened(_list_items(element)))))
        elif name == "table":
            self._current.blocks.append(_table(element))
        elif name in _CONTAINERS:
            self.read(element)
        elif name not in _SKIPPED and (item := _item(element)).text:
            self._current.blocks.append(Prose(item))

    def _open_section(self, heading: str) -> None:
        self.sections.append(HtmlSection(heading=heading, path=heading))
        self._current = self.sections[-1]

    def _open_subsection(self, heading: str) -> None:
        if not self.sections:  # a sub-heading before any heading still starts a section
            self._open_section(heading)
            return
        parent = self.sections[-1]
        parent.subsections.append(HtmlSection(heading=heading, path=f"{parent.heading} › {heading}"))
        self._current = parent.subsections[-1]


def _list_items(list_element: Tag) -> list[Item]:
    items: list[Item] = []
    for li in list_element.find_all("li", recursive=False):
        item = _item(li)
        # An item that is only a nested list contributes that list's items.
        items.extend([item] if item.text else map(Item.plain, item.sub_points))
    return items


def _item(element: Tag) -> Item:
    """Read a list item or paragraph: lines split at ``<br>`` and line breaks, dash lines as sub-points."""
    nested = _nested_points(element)
    for line_break in element.find_all("br"):
        line_break.replace_with("\n")
    lead = _lead(element)
    lines = [line for line in map(clean_text, element.get_text().split("\n")) if line]
    text_lines: list[str] = []
    sub_points: list[str] = []
    for line in lines:
        dash = _DASH_LINE.match(line)
        if dash:
            sub_points.append(line[dash.end() :])
        elif not text_lines:
            text_lines.append(line)
        elif split_label(line)[0] is not None:  # after the opening line, 'Expect: ...' is a point of its own
            sub_points.append(line)
        elif sub_points:  # a wrapped line continues the point before it
            sub_points[-1] = f"{sub_points[-1]} {line}"
        else:
            text_lines.append(line)
    text = " ".join(text_lines)
    if lead is None or not text.startswith(lead):
        return Item(text=text, body=text, sub_points=(*sub_points, *nested))
    body = _LEAD_SEPARATOR.sub("", text[len(lead) :], count=1)
    return Item(text=text, lead=without_trailing_colon(lead), body=body, sub_points=(*sub_points, *nested))


def _nested_points(element: Tag) -> list[str]:
    """The items of lists nested in ``element`` (at any depth, in order), removed from it."""
    points: list[str] = []
    for nested_list in element.find_all(_LISTS):
        owner = nested_list.find_parent("li") or nested_list.find_parent("p")
        if owner is not element:
            continue
        for li in nested_list.find_all("li", recursive=False):
            sub_item = _item(li)
            points.extend((sub_item.text, *sub_item.sub_points) if sub_item.text else sub_item.sub_points)
        nested_list.extract()
    return points


def _lead(element: Tag) -> str | None:
    """The text of the bold element the item opens with, if it opens with one."""
    for node in element.descendants:
        if isinstance(node, Tag) and node.name in _LEADS:
            return clean_text(node.get_text()) or None
        if isinstance(node, NavigableString) and node.strip():
            return None
    return None


def _table(table: Tag) -> Table:
    rows = [
        tuple(clean_text(cell.get_text(" ")) for cell in row.find_all(("th", "td"), recursive=False))
        for row in table.find_all("tr")
    ]
    rows = [row for row in rows if any(row)]
    return Table(header=rows[0] if rows else (), rows=tuple(rows[1:]))

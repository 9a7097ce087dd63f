"""Is a new JSON Schema of an event version backward compatible with the committed one?

Compatible means: every document the committed (old) schema accepts, the new
schema accepts too. Then a consumer built on the new schema can still read every
event ever published under that version, and topics can be replayed from the
start. Adding an optional field and widening a type or an enum are compatible;
removing or renaming a field, narrowing a type, removing an enum value, adding a
constraint and requiring a field are breaking.

The comparison walks both schemas structurally (following local ``$ref``s into
``$defs``, treating ``anyOf``/``oneOf`` as unions) and reports each breaking
change with the JSON path of the value it concerns, e.g.
``$.data.role.competencies[*].importance``. Annotations (title, description,
examples, default) never matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]

ANY: Schema = {}
"""The schema that accepts everything: what an absent subschema means."""

_UNION_KEYWORDS = ("anyOf", "oneOf")
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly", "discriminator"}
)
"""Keywords that document a value without constraining it."""


@dataclass(frozen=True)
class BreakingChange:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def breaking_changes(old: Schema, new: Schema) -> list[BreakingChange]:
    """Every way in which ``new`` rejects documents that ``old`` accepts."""
    comparison = _Comparison(old, new)
    comparison.compare(old, new, "$")
    return comparison.changes


@dataclass(frozen=True, order=True)
class _Bound:
    """A numeric bound; ``exclusive`` bounds are slightly tighter than inclusive ones at the same value."""

    value: float
    exclusive: bool


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema, active: set[tuple[str | None, str | None]] | None = None):
        self.old_root = old_root
        self.new_root = new_root
        self.changes: list[BreakingChange] = []
        # $ref pairs being compared further up the stack: a recursive schema is compared once.
        self._active = active if active is not None else set()

    def report(self, path: str, message: str) -> None:
        self.changes.append(BreakingChange(path, message))

    def trial(self, old: Schema, new: Schema, path: str) -> list[BreakingChange]:
        """Compare without reporting, to choose between candidates."""
        probe = _Comparison(self.old_root, self.new_root, self._active)
        probe.compare(old, new, path)
        return probe.changes

    # --- entry point ----------------------------------------------------------------

    def compare(self, old: Schema | bool, new: Schema | bool, path: str) -> None:
        if new is True or old is False:
            return  # nothing can be narrowed
        if new is False:
            self.report(path, "no longer accepts any value")
            return
        if old is True:
            old = ANY
        key = (old.get("$ref"), new.get("$ref"))
        if key != (None, None):
            if key in self._active:
                return
            self._active.add(key)
        try:
            self._compare_resolved(_resolve(old, self.old_root), _resolve(new, self.new_root), path)
        finally:
            self._active.discard(key)

    def _compare_resolved(self, old: Schema, new: Schema, path: str) -> None:
        if _ANNOTATIONS.issuperset(new):
            return  # the new schema accepts anything
        old_branches = _branches(old, self.old_root)
        new_branches = _branches(new, self.new_root)
        if len(old_branches) == 1 and len(new_branches) == 1:
            self._compare_single(old_branches[0], new_branches[0], path)
            return
        # Each alternative the old schema accepted must still be accepted by some new alternative;
        # compare it with the new alternative it fits best.
        for old_branch in old_branches:
            resolved = _resolve(old_branch, self.old_root)
            candidates = [b for b in new_branches if _may_match(resolved, _resolve(b, self.new_root))]
            if not candidates:
                self.report(path, f"no longer accepts {_describe(resolved)}")
                continue
            self.changes.extend(min((self.trial(old_branch, c, path) for c in candidates), key=len))

    # --- one non-union schema against another -------------------------------------

    def _compare_single(self, old: Schema, new: Schema, path: str) -> None:
        self._compare_types(old, new, path)
        self._compare_values(old, new, path)
        self._compare_bounds(old, new, path)
        self._compare_string_rules(old, new, path)
        if _may_be(old, "object") and _may_be(new, "object"):
            self._compare_objects(old, new, path)
        if _may_be(old, "array") and _may_be(new, "array"):
            self._compare_arrays(old, new, path)

    def _compare_types(self, old: Schema, new: Schema, path: str) -> None:
        old_types, new_types = _types(old), _types(new)
        if new_types is None:
            return
        if old_types is None:
            self.report(path, f"type restricted to {_join(new_types)}")
            return
        lost = old_types - _with_implied(new_types)
        if lost:
            self.report(path, f"type narrowed from {_join(old_types)} to {_join(new_types)}")

    def _compare_values(self, old: Schema, new: Schema, path: str) -> None:
        new_values = _allowed_values(new)
        if new_values is None:
            return
        old_values = _allowed_values(old)
        if old_values is None:
            self.report(path, f"restricted to the values {_join(new_values)}")
            return
        removed = [value for value in old_values if value not in new_values]
        if removed:
            self.report(path, f"enum values removed: {_join(removed)}")

    def _compare_bounds(self, old: Schema, new: Schema, path: str) -> None:
        old_low, new_low = _lower_bound(old), _lower_bound(new)
        if new_low is not None and (old_low is None or new_low > old_low):
            self.report(path, f"minimum raised from {_bound_text(old_low, '>')} to {_bound_text(new_low, '>')}")
        old_high, new_high = _upper_bound(old), _upper_bound(new)
        if new_high is not None and (old_high is None or _tighter_upper(new_high, old_high)):
            self.report(path, f"maximum lowered from {_bound_text(old_high, '<')} to {_bound_text(new_high, '<')}")
        for keyword in ("minLength", "minItems", "minProperties"):
            if keyword in new and new[keyword] > old.get(keyword, 0):
                self.report(path, f"{keyword} raised from {old.get(keyword, 0)} to {new[keyword]}")
        for keyword in ("maxLength", "maxItems", "maxProperties"):
            if keyword in new and new[keyword] < old.get(keyword, float("inf")):
                self.report(path, f"{keyword} lowered from {old.get(keyword, 'unbounded')} to {new[keyword]}")
        if "multipleOf" in new and ("multipleOf" not in old or old["multipleOf"] % new["multipleOf"] != 0):
            self.report(path, f"multipleOf changed from {old.get('multipleOf', 'none')} to {new['multipleOf']}")

    def _compare_string_rules(self, old: Schema, new: Schema, path: str) -> None:
        # Two different regular expressions cannot be compared in general: any change may narrow.
        for keyword in ("pattern", "format"):
            if keyword in new and new[keyword] != old.get(keyword):
                self.report(path, f"{keyword} changed from {old.get(keyword, 'none')!r} to {new[keyword]!r}")
        if new.get("uniqueItems") and not old.get("uniqueItems"):
            self.report(path, "items must now be unique")

    def _compare_objects(self, old: Schema, new: Schema, path: str) -> None:
        old_props: dict[str, Schema] = old.get("properties", {})
        new_props: dict[str, Schema] = new.get("properties", {})
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        added = [name for name in new_props if name not in old_props]

        for name, old_prop in old_props.items():
            if name in new_props:
                self.compare(old_prop, new_props[name], f"{path}.{name}")
                continue
            renamed_to = [n for n in added if not self.trial(old_prop, new_props[n], f"{path}.{n}")]
            if renamed_to:
                self.report(f"{path}.{name}", f"field renamed to {renamed_to[0]!r}")
            else:
                self.report(f"{path}.{name}", "field removed")

        old_required = set(old.get("required", ()))
        for name in new.get("required", ()):
            if name in old_required:
                continue
            if name in old_props:
                self.report(f"{path}.{name}", "optional field turned required")
            else:
                self.report(f"{path}.{name}", "new required field")

        # A new property narrows what the old schema let through as an additional property.
        if old_extra is not False:
            for name in added:
                self.compare(old_extra, new_props[name], f"{path}.{name}")
        if old_extra is not False and new_extra is False:
            self.report(path, "additional properties no longer allowed")
        elif old_extra is not False:
            self.compare(old_extra, new_extra, f"{path}.*")

        old_patterns = old.get("patternProperties", {})
        for pattern, new_schema in new.get("patternProperties", {}).items():
            self.compare(old_patterns.get(pattern, old_extra), new_schema, f"{path}.*")
        if "propertyNames" in new:
            self.compare(old.get("propertyNames", ANY), new["propertyNames"], f"{path} (property names)")

    def _compare_arrays(self, old: Schema, new: Schema, path: str) -> None:
        self.compare(old.get("items", ANY), new.get("items", ANY), f"{path}[*]")


# --- schema helpers -------------------------------------------------------------------


def _resolve(node: Schema, root: Schema) -> Schema:
    """Follow ``$ref`` (keeping sibling keywords) and fold ``allOf`` into one schema."""
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"circular $ref {ref}")
        seen.add(ref)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = {**_lookup(root, ref), **siblings}
    if "allOf" in node:
        merged = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            merged.update(_resolve(part, root))
        node = merged
    return node


def _lookup(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    target: Any = root
    for token in ref[1:].split("/")[1:]:
        target = target[token.replace("~1", "/").replace("~0", "~")]
    return target


def _branches(node: Schema, root: Schema) -> list[Schema]:
    """The alternatives of a union, nested unions flattened, or the schema itself.

    Alternatives stay unresolved (``$ref``) so that comparing them goes through the recursion guard.
    """
    for keyword in _UNION_KEYWORDS:
        if keyword in node:
            return [branch for option in node[keyword] for branch in _alternatives(option, root)]
    return [node]


def _alternatives(option: Schema, root: Schema) -> list[Schema]:
    resolved = _resolve(option, root)
    return _branches(resolved, root) if any(k in resolved for k in _UNION_KEYWORDS) else [option]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _types(node: Schema) -> set[str] | None:
    """The JSON types a schema admits, or None when it does not restrict the type."""
    if "type" in node:
        declared = node["type"]
        return set(declared) if isinstance(declared, list) else {declared}
    values = _allowed_values(node)
    if values is not None:
        return {_json_type(value) for value in values}
    return None


def _with_implied(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def _may_be(node: Schema, json_type: str) -> bool:
    types = _types(node)
    return types is None or json_type in types


def _types_overlap(old: Schema, new: Schema) -> bool:
    old_types, new_types = _types(old), _types(new)
    return old_types is None or new_types is None or bool(old_types & _with_implied(new_types))


def _tags(node: Schema) -> dict[str, Any]:
    """Properties pinned to one value, e.g. a discriminator ``kind: {"const": "interview_loop"}``."""
    return {name: prop["const"] for name, prop in node.get("properties", {}).items() if "const" in prop}


def _may_match(old: Schema, new: Schema) -> bool:
    """Could ``new`` be the successor of the union alternative ``old``? Same types, same tag values."""
    if not _types_overlap(old, new):
        return False
    old_tags, new_tags = _tags(old), _tags(new)
    return all(old_tags[name] == new_tags[name] for name in old_tags.keys() & new_tags.keys())


def _allowed_values(node: Schema) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    if "enum" in node:
        return list(node["enum"])
    return None


def _lower_bound(node: Schema) -> _Bound | None:
    bounds = [_Bound(node["minimum"], False)] if "minimum" in node else []
    if "exclusiveMinimum" in node:
        bounds.append(_Bound(node["exclusiveMinimum"], True))
    return max(bounds, default=None)


def _upper_bound(node: Schema) -> _Bound | None:
    bounds = [_Bound(node["maximum"], False)] if "maximum" in node else []
    if "exclusiveMaximum" in node:
        bounds.append(_Bound(node["exclusiveMaximum"], True))
    return min(bounds, key=lambda b: (b.value, not b.exclusive), default=None)


def _tighter_upper(new: _Bound, old: _Bound) -> bool:
    return new.value < old.value or (new.value == old.value and new.exclusive and not old.exclusive)


def _bound_text(bound: _Bound | None, symbol: str) -> str:
    if bound is None:
        return "none"
    return f"{symbol} {bound.value}" if bound.exclusive else f"{symbol}= {bound.value}"


def _describe(branch: Schema) -> str:
    types = _types(branch)
    if types == {"null"}:
        return "null (no longer nullable)"
    if "title" in branch:
        return f"the {branch['title']!r} alternative"
    return f"values of type {_join(types or {'any'})}"


def _join(values: Iterable[Any]) -> str:
    items = sorted(values, key=repr) if isinstance(values, set) else list(values)
    return ", ".join(repr(v) if not isinstance(v, str) else v for v in items)

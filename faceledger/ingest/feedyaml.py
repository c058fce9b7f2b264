"""A strict YAML reading of feed front matter.

PyYAML follows YAML 1.1, which turns `NO` into False, `012345` into an octal
number and bare timestamps into datetimes, and it lets duplicate keys and
alias bombs through. Feed metadata wants none of that: scalars stay strings
unless they are plainly numbers, booleans or null; dates are parsed later with
a clear finding; duplicate keys, non-string keys and aliases are errors.

It is also bounded, so hostile text is a finding rather than a crash: explicit
tags (`!!int x`, `!!timestamp`, `!custom`) are refused, nesting deeper than
MAX_DEPTH is refused before anything is built (the event stream is read
without recursion), and integers longer than MAX_INT_DIGITS digits are refused
rather than handed to int().
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Feed front matter nests four levels at most (related[].provider.name); 20 is generous.
MAX_DEPTH = 20
# Counts, scores and years fit in 20 digits; Python refuses int() beyond 4,300.
MAX_INT_DIGITS = 20
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")


class FeedYAMLError(ValueError):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line  # 0-based within the YAML text


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


# Start from no implicit resolvers and add back YAML 1.2 core-schema ones only.
_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line
        if not isinstance(key, str):
            raise FeedYAMLError(f"key {key!r} is not a string", line)
        if key in seen:
            raise FeedYAMLError(
                f"key {key!r} appears twice (first on line {seen[key] + 1} of the front matter)",
                line,
            )
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=True)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _reject_aliases(node: yaml.Node, seen: set[int]) -> None:
    if id(node) in seen:
        raise FeedYAMLError("anchors and aliases are not allowed in front matter", node.start_mark.line)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _reject_aliases(key, seen)
            _reject_aliases(value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_aliases(item, seen)


def _check_events(text: str) -> None:
    """Refuse explicit tags, deep nesting and huge integers, reading events one at a time."""
    depth = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        line = event.start_mark.line if event.start_mark else None
        tag = getattr(event, "tag", None)
        if tag is not None:
            tag = tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise FeedYAMLError(
                f"the explicit tag {tag!r} is not allowed in front matter; write the value plainly", line
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise FeedYAMLError(f"front matter nests deeper than {MAX_DEPTH} levels", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and not event.style and _INT.match(event.value):
            digits = len(event.value.lstrip("+-"))
            if digits > MAX_INT_DIGITS:
                raise FeedYAMLError(
                    f"an integer of {digits} digits is too large (at most {MAX_INT_DIGITS}); quote it", line
                )


def load(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text; return the data and its node tree (for line numbers)."""
    loader = _StrictLoader(text)
    try:
        _check_events(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        # An alias in the text shows up as the same node object twice.
        _reject_aliases(node, set())
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        raise FeedYAMLError(f"invalid YAML: {problem}", mark.line if mark else None) from None
    except yaml.YAMLError as exc:
        raise FeedYAMLError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()


def line_of(node: yaml.Node | None, *path: str | int) -> int | None:
    """0-based line of the value at `path` (keys and list indexes) in a node tree."""
    if node is None:
        return None
    line = node.start_mark.line
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            return line
    return line

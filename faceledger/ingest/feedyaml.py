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

Most front matter is read by a faster parser (yaml-rs) instead, but only text
that a conservative screen (`vouched`) proves both parsers read alike; the
strict loader stays the judge of everything else, and of every error.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # the fast path; without it every text goes to the strict loader
    import yaml_rs
except ImportError:  # pragma: no cover - yaml-rs is a dependency, but reading must not need it
    yaml_rs = None  # type: ignore[assignment]

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


def compose(text: str) -> yaml.Node | None:
    """The node tree of text the strict loader accepts (only for line numbers)."""
    loader = _StrictLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def line_index(node: yaml.Node | None) -> dict[tuple[str | int, ...], int]:
    """The 0-based line of every place in a node tree, by path: what `line_of` finds, without the tree."""
    index: dict[tuple[str | int, ...], int] = {}
    if node is None:
        return index
    index[()] = node.start_mark.line
    todo: list[tuple[tuple[str | int, ...], yaml.Node]] = [((), node)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and (path + (key.value,)) not in index:
                    index[path + (key.value,)] = key.start_mark.line
                    todo.append((path + (key.value,), value))
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                index[path + (number,)] = item.start_mark.line
                todo.append((path + (number,), item))
    return index


def indexed_line(index: dict[tuple[str | int, ...], int], *path: str | int) -> int | None:
    """The line `line_of` gives for `path`: that of the deepest step of it the text has."""
    for end in range(len(path), -1, -1):
        line = index.get(path[:end])
        if line is not None:
            return line
    return None


# The screen. It reads the text, not the YAML, so a match inside a quoted string declines
# too: it may refuse what both parsers read alike, never the reverse. Tabs, control
# characters, NEL and the Unicode line separators (line breaks to libyaml, text to yaml-rs),
# byte order marks and noncharacters are declined outright.
_ASCII_ODD = re.compile(r"[^\n\x20-\x7e]")
_ODD = re.compile(r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# Escapes (the two parsers know different sets) but for \" in a double-quoted string.
_ESCAPE = re.compile(r'\\(?!")')
# A number both loaders read alike: a plain int (of at most MAX_INT_DIGITS digits) or a float
# with a dot. yaml-rs also reads 012, 0x1F, 0o17, 1e5, 1_000 and .inf as numbers; we don't.
_SAME_NUMBER = (
    r"[-+]?(?:[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|0|[1-9][0-9]{0,"
    + str(MAX_INT_DIGITS - 1)
    + "})"
)
# What may not start a node: anchors, aliases and tags (refused by the strict loader), block
# scalars and complex keys (each parser's own corner), characters that cannot start a plain
# scalar, a flow collection with anything in it (flow context reads keys, numbers and nesting
# differently), and a plain scalar that starts like a number but is not one of the numbers
# both read alike, nor a date (digits then '-', text to both).
_NODE = (
    r"[&*!|>?%@`]|\[(?!\])|\{(?!\})"
    r"|(?=[-+._]*[0-9]|[-+_]*\.[-+._]*[iInN])(?![-+]?[0-9]+-|" + _SAME_NUMBER + r"(?: *(?:\n|\Z)| +[^ \n:]))"
)
# A key that is not a string to the strict loader: a number, a boolean, null, empty, [] or {}.
_KEY = (
    r"(?:" + _SAME_NUMBER + r"|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|\[\]|\{\})? *:(?:[ \n]|\Z)"
)
# In block context a node starts after a line's indentation and `- ` indicators, or after
# `: `. Document markers and directives are declined, and so is a line whose indentation and
# indicators reach column 9: each column holds at most two levels, so depth stays within
# MAX_DEPTH (an empty [] or {} adds one).
_LINE_START = re.compile(r"\n(?:---|\.\.\.|%|[ -]{9}| *+(?:- ++)*+(?:" + _NODE + "|" + _KEY + "))")
_AFTER_COLON = re.compile(r": ++(?:" + _NODE + ")")
DECLINED = object()


def vouched(text: str) -> bool:
    """Whether yaml-rs may read `text`: where it then gives data, the strict loader gives the same."""
    text = "\n" + text
    odd = _ASCII_ODD if text.isascii() else _ODD
    return not (
        odd.search(text) or _ESCAPE.search(text) or _LINE_START.search(text) or _AFTER_COLON.search(text)
    )


def fast_load(text: str) -> Any:
    """The mapping in `text` by the fast parser, or DECLINED where only the strict loader may say."""
    if yaml_rs is None or not vouched(text):
        return DECLINED
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any failure is the strict loader's to explain
        return DECLINED
    # The screen is about scalars; what it cannot see from the text is checked here.
    if type(data) is not dict or not all(type(key) is str for key in data):
        return DECLINED
    return data


def load_data(text: str) -> Any:
    """What `load` gives as data, by the fast parser where the screen vouches for it."""
    data = fast_load(text)
    return load(text)[0] if data is DECLINED else data

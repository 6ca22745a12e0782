"""YAML loading that remembers line numbers, so every error can name file, line and reason."""

from __future__ import annotations

from pathlib import Path

import yaml


class PolicyFileError(ValueError):
    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class MarkedDict(dict):
    """A mapping that knows the line of itself and of each key."""

    line: int = 0
    lines: dict

    def line_of(self, key: object) -> int:
        return self.lines.get(key, self.line)


class MarkedList(list):
    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


def _loader_for(path: str | Path) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> MarkedDict:
        explicit = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        loader.flatten_mapping(node)
        out = MarkedDict()
        out.line = node.start_mark.line + 1
        out.lines = {}
        merged: set = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise PolicyFileError(path, line, f"a key must be a plain word, not {key!r}")
            if key in out and not (key in merged and id(key_node) in explicit):
                # PyYAML keeps the last duplicate silently; in a policy that hides an edit.
                # Overriding a key brought in by a '<<' merge is the one allowed repeat.
                raise PolicyFileError(path, line, f"duplicate key {key!r}")
            merged.discard(key)
            if id(key_node) not in explicit:
                merged.add(key)
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = line
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> MarkedList:
        out = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
        out.line = node.start_mark.line + 1
        out.lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise PolicyFileError(path, node.start_mark.line + 1,
                                  f"not a valid date {node.value!r}: {exc}") from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def load_yaml(path: str | Path, text: str | None = None) -> object:
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyFileError(path, None, f"cannot read file: {exc}") from None
    try:
        return yaml.load(text, Loader=_loader_for(path))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyFileError(path, line, f"not valid YAML: {exc.problem or exc}") from None


class Reader:
    """Checks one YAML mapping against the keys a policy element allows."""

    def __init__(self, path: str | Path, node: object, what: str, line: int = 0):
        self.path = path
        self.what = what
        if not isinstance(node, dict):
            raise PolicyFileError(path, getattr(node, "line", None) or line or None,
                                  f"{what} must be a mapping of keys to values")
        self.node = node

    @property
    def line(self) -> int:
        return getattr(self.node, "line", 0)

    def line_of(self, key: str) -> int:
        return self.node.line_of(key) if isinstance(self.node, MarkedDict) else 0

    def error(self, key: str | None, reason: str) -> PolicyFileError:
        return PolicyFileError(self.path, self.line_of(key) if key else self.line, reason)

    def only(self, allowed: set[str] | frozenset[str], required: set[str] | frozenset[str] = frozenset()) -> None:
        for key in self.node:
            if key not in allowed:
                raise self.error(key, f"unknown key {key!r} in {self.what} "
                                      f"(allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required):
            if key not in self.node:
                raise self.error(None, f"{self.what} is missing required key {key!r}")

    def get(self, key: str, default: object = None) -> object:
        return self.node.get(key, default)

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        if key not in self.node:
            if required:
                raise self.error(None, f"{self.what} is missing required key {key!r}")
            return default
        value = self.node[key]
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.error(key, f"{key!r} in {self.what} must be text, not {type(value).__name__}")
        return str(value)

    def sub(self, key: str, what: str) -> Reader:
        return Reader(self.path, self.node[key], what, self.line_of(key))

    def items(self, key: str) -> list[tuple[int, object]]:
        value = self.node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"{key!r} in {self.what} must be a list")
        lines = getattr(value, "lines", [])
        return [(lines[i] if i < len(lines) else self.line_of(key), v) for i, v in enumerate(value)]

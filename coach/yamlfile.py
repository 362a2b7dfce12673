"""YAML files read with the line and column of every value, so errors can point at them.

Used for phrasebooks and scenarios alike. Broken YAML, an odd encoding or a duplicate key becomes
a `Problem` with `file:line:col`, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coach.errors import Problem, display_path

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Plain data (dicts, lists, scalars) plus where each value starts in the file."""

    path: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of its nearest parent."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: Path_, message: str, severity: str = "error", at_key: bool = False) -> Problem:
        """Record a problem at the value (or, with at_key, at the key) found at `path`."""
        line, column = self.key_positions[path] if at_key and path in self.key_positions else self.where(path)
        found = Problem(self.path, line, column, message, severity)
        self.problems.append(found)
        return found


def read_text(path: Path) -> str:
    """A YAML file's text; raises UnicodeDecodeError/OSError for the caller to report."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8")


def load_yaml(path: Path, text: str | None = None) -> YamlDocument:
    """Parse one YAML document; problems are collected on the result instead of raised."""
    shown = display_path(path)
    doc = YamlDocument(shown, None)
    if text is None:
        try:
            text = read_text(path)
        except UnicodeDecodeError as exc:
            doc.problems.append(
                Problem(shown, 0, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
            )
            return doc
        except OSError as exc:
            doc.problems.append(Problem(shown, 0, 0, f"cannot read: {exc.strerror or exc}"))
            return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        doc.problems.append(Problem(shown, line, column, f"invalid YAML: {what}"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(shown, 1, 1, f"invalid YAML: {exc}"))
        return doc
    if node is None:
        doc.data = None
        return doc
    doc.data = _to_data(node, (), doc)
    return doc


_SCALARS = yaml.constructor.SafeConstructor()


def _to_data(node: yaml.Node, path: Path_, doc: YamlDocument) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _SCALARS.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                doc.problems.append(Problem(doc.path, line, column, f"duplicate key '{key}'"))
            doc.key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _to_data(value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, (*path, i), doc) for i, item in enumerate(node.value)]
    return _SCALARS.construct_object(node)

"""A trainer's YAML file sent as a document: what it is, where it goes, and a staging copy to lint.

Nothing is installed before the lint is clean. The file is linted together with everything already
loaded, in a staging copy of the data folder, so a duplicate id or a broken reference is caught the
same way a restart would catch it; only then is it moved into the data folder.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from coach.errors import Problem
from coach.language import LANGUAGES

MAX_BYTES = 512 * 1024
SCENARIO_KEYS = frozenset({"nodes", "persona", "endings", "checklist", "start"})
PHRASEBOOK_KEYS = frozenset({"rules", "moves", "context"})
_SAFE_NAME = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Upload:
    kind: str  # phrasebooks | scenarios
    lang: str
    name: str  # the file name it is installed as
    data: bytes
    original: str  # the name the trainer sent

    @property
    def relative(self) -> Path:
        return Path(self.kind) / self.lang / self.name


class UploadError(Exception):
    """The file cannot even be considered (not YAML, not ours, too large): the reason, for the trainer."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def classify(filename: str, data: bytes) -> Upload:
    """What the uploaded file is; UploadError with a message key when it is not a usable YAML file."""
    if not filename.lower().endswith((".yaml", ".yml")):
        raise UploadError("upload.not_yaml")
    if len(data) > MAX_BYTES:
        raise UploadError("upload.too_big", limit=MAX_BYTES // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("upload.not_utf8") from None
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise UploadError("upload.bad_yaml", where=where, problem=problem) from None
    if not isinstance(content, dict):
        raise UploadError("upload.unknown_kind")
    keys = set(content)
    if keys & SCENARIO_KEYS:
        kind = "scenarios"
    elif keys & PHRASEBOOK_KEYS:
        kind = "phrasebooks"
    else:
        raise UploadError("upload.unknown_kind")
    lang = content.get("lang")
    if lang not in LANGUAGES:
        raise UploadError("upload.bad_lang", langs=", ".join(LANGUAGES))
    if kind == "scenarios":
        scenario_id = content.get("id")
        stem = scenario_id if isinstance(scenario_id, str) and scenario_id else Path(filename).stem
    else:
        stem = Path(filename).stem
    name = _SAFE_NAME.sub("-", stem.lower()).strip("-") or "upload"
    return Upload(kind, lang, f"{name}.yaml", data, filename)


@dataclass
class Staging:
    """A temporary copy of the data folder's `kind` with the upload in place; remove() when done."""

    root: Path
    folder: Path  # root/<kind>: lint this instead of data_dir/<kind>
    file: Path

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def stage(upload: Upload, data_dir: Path) -> Staging:
    root = Path(tempfile.mkdtemp(prefix="coach-upload-"))
    folder = root / upload.kind
    source = data_dir / upload.kind
    if source.is_dir():
        shutil.copytree(source, folder)
    file = folder / upload.lang / upload.name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(upload.data)
    return Staging(root, folder, file)


def shown_problems(problems: tuple[Problem, ...], staging: Staging, upload: Upload) -> list[Problem]:
    """Problems with staging paths rewritten to what the trainer knows (the file name they sent)."""
    staged = {str(staging.file), str(staging.file.resolve())}
    prefix = {str(staging.folder), str(staging.folder.resolve())}
    result = []
    for p in problems:
        path = p.path
        if path in staged or path.endswith(str(upload.relative)):
            path = upload.original
        else:
            for start in prefix:
                if path.startswith(start):
                    path = f"{upload.kind}{path[len(start):]}"
        result.append(Problem(path, p.line, p.column, p.message, p.severity))
    return result


def install(upload: Upload, data_dir: Path) -> Path:
    """Move the (linted) upload into the data folder atomically; returns where it went."""
    target = data_dir / upload.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(upload.data)
    os.replace(temporary, target)
    return target

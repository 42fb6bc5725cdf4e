"""Render report contexts through the templates in `templates/`, and write files atomically.

Markdown: jinja2 with StrictUndefined (a missing value is an error, never a blank cell).
DOCX: docxtpl with autoescape (so "&" and "<" in a unit name survive) and StrictUndefined; the
zip is rewritten with fixed timestamps and document properties, so the same data gives the same
bytes.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NOT_A_DOCX = {"PackageNotFoundError", "BadZipFile", "KeyError", "XMLSyntaxError"}


class TemplateProblem(Exception):
    """A template is missing or broken (staff may edit them); the message says which and why."""


def md_cell(value: object) -> str:
    """Text safe inside a GitHub Markdown table cell: specials escaped, no line breaks."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(template: str, context: dict[str, Any], templates: Path = TEMPLATES) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["md"] = md_cell
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound:
        raise TemplateProblem(f"không tìm thấy {templates / template}.") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"{templates / template}, dòng {exc.lineno}: {exc.message}."
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{templates / template}: {exc.message}.") from None


def render_docx(
    template: str, context: dict[str, Any], stamp: date, templates: Path = TEMPLATES
) -> bytes:
    import jinja2
    from docxtpl import DocxTemplate

    path = templates / template
    if not path.is_file():
        raise TemplateProblem(f"không tìm thấy {path}.")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        doc = DocxTemplate(str(path))
        doc.render(context, jinja_env=env, autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateProblem(
            f"{path}: {exc.message} (kiểm tra các thẻ {{{{ }}}} và {{% %}} trong tệp Word)."
        ) from None
    except Exception as exc:  # python-docx raises its own types for a file that is not a .docx
        if type(exc).__name__ not in _NOT_A_DOCX:
            raise
        raise TemplateProblem(f"{path} không phải tệp Word hợp lệ ({exc}).") from None
    props = doc.docx.core_properties
    moment = datetime(stamp.year, stamp.month, stamp.day)
    props.created = props.modified = props.last_printed = moment
    props.author = props.last_modified_by = context.get("issuer_name", "")
    props.revision = 1
    props.title = f"{context.get('title', '')} {context.get('subtitle', '')}".strip()
    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible_zip(raw.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """Same entries, same order, fixed timestamps and permissions."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_atomic(path: Path, content: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename: a reader sees the old file or the
    new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

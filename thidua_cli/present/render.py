"""Render report contexts through the templates in `templates/`, and write files atomically.

Markdown: jinja2 with StrictUndefined (a missing value is an error, never a blank cell).
DOCX: docxtpl with autoescape (so "&" and "<" in a unit name survive) and StrictUndefined; the
zip is rewritten with fixed timestamps and document properties, so the same data gives the same
bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from thidua_cli.present import markdown

_PACKAGE = Path(__file__).resolve().parents[1]
# Installed from a wheel, the templates are package data inside thidua_cli/; in a source
# checkout they are the repository's top-level templates/ folder (the same files: the wheel is
# built from that folder, see pyproject.toml).
BUILTIN = (
    _PACKAGE / "templates" if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent / "templates"
)


def search_path(data_dir: Path | None) -> list[Path]:
    """Where templates are looked for: the data repository's templates/ folder (beside the
    data folder) first, so a commune can override any template, then the built-in ones."""
    folders = []
    if data_dir is not None:
        local = data_dir.resolve().parent / "templates"
        if local.is_dir() and local != BUILTIN.resolve():
            folders.append(local)
    return [*folders, BUILTIN]


def find(template: str, folders: Sequence[Path]) -> Path:
    for folder in folders:
        if (folder / template).is_file():
            return folder / template
    raise TemplateProblem(
        f"không tìm thấy {template} (đã tìm trong: {', '.join(str(f) for f in folders)})."
    )


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NOT_A_DOCX = {"PackageNotFoundError", "BadZipFile", "KeyError", "XMLSyntaxError"}


class TemplateProblem(Exception):
    """A template is missing or broken (staff may edit them); the message says which and why."""


def render_markdown(
    template: str, context: dict[str, Any], templates: Sequence[Path] = (BUILTIN,)
) -> str:
    import jinja2

    path = find(template, templates)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(path.parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=markdown.finalize,  # every {{ value }} escaped for Markdown, see markdown.py
    )
    env.filters["md"] = markdown.md
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"{path}: không tìm thấy mẫu {exc.name}.") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{path}, dòng {exc.lineno}: {exc.message}.") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{path}: {exc.message}.") from None


def render_docx(
    template: str, context: dict[str, Any], stamp: date, templates: Sequence[Path] = (BUILTIN,)
) -> bytes:
    import jinja2
    from docxtpl import DocxTemplate

    from thidua_cli import __version__

    path = find(template, templates)
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
    # what made the document, for whoever opens its properties; not on the page, so a new
    # version of the tool does not change what the document says
    props.comments = f"thidua {__version__}; dữ liệu {context.get('revision', '')}"
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


def render_all(
    template: str,
    context: dict[str, Any],
    kinds: Sequence[str],
    stamp: date,
    templates: Sequence[Path],
) -> list[tuple[str, bytes | str]]:
    """Render one document in every kind asked for ("md", "docx"): (file suffix, content).
    Everything is rendered before anything is written, so a template error leaves no file new."""
    out: list[tuple[str, bytes | str]] = []
    if "md" in kinds:
        out.append((".md", render_markdown(f"{template}.md.j2", context, templates)))
    if "docx" in kinds:
        out.append((".docx", render_docx(f"{template}.docx", context, stamp, templates)))
    return out

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


def _md_runs(runs: Sequence[dict[str, Any]]) -> str:
    out: list[str] = []
    for r in runs:
        text = markdown.md(r["text"])
        core = text.strip()
        if not core:
            out.append(text)
            continue
        mark = ("**" if r["bold"] else "") + ("*" if r["italic"] else "")
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        out.append(f"{lead}{mark}{core}{mark[::-1]}{trail}")
    return "".join(out)


def md_block(block: dict[str, Any]) -> markdown.Escaped:
    """One narrative block (see read/narrative.py) as one Markdown line, its text escaped and
    only the formatting the narrative supports put back."""
    body = _md_runs(block["runs"])
    if block["kind"] == "bullet":
        return markdown.Escaped(f"- {body}")
    if block["kind"] == "number":
        return markdown.Escaped(f"{block['number']} {body}")
    if block["kind"] == "heading":
        return markdown.Escaped(
            f"***{markdown.md(''.join(r['text'] for r in block['runs']).strip())}***"
        )
    return markdown.Escaped(body)


def md_section(section: dict[str, Any]) -> markdown.Escaped:
    """A narrative section's blocks, one per line, a blank line between blocks but not inside a
    list. A filter, not a template macro, so the result reaches the page escaped once."""
    blocks = section["blocks"]
    out: list[str] = []
    for i, b in enumerate(blocks):
        out.append(md_block(b) + "\n")
        following = blocks[i + 1]["kind"] if i + 1 < len(blocks) else None
        if following is not None and not (
            b["kind"] in ("bullet", "number") and following == b["kind"]
        ):
            out.append("\n")
    return markdown.Escaped("".join(out))


def _docx_blocks(context: dict[str, Any]) -> dict[str, Any]:
    """The narrative blocks as Word runs (docxtpl RichText: each run's text XML-escaped by
    docxtpl, bold and italic as run properties), beside the neutral blocks."""
    from docxtpl import RichText

    if "nv" not in context:
        return context
    sections = {}
    for key, section in context["nv"].items():
        blocks = []
        for b in section["blocks"]:
            rich = RichText()
            if b["kind"] == "bullet":
                rich.add("- ")
            elif b["kind"] == "number":
                rich.add(f"{b['number']} ")
            heading = b["kind"] == "heading"
            for r in b["runs"]:
                rich.add(r["text"], bold=r["bold"] or heading, italic=r["italic"] or heading)
            blocks.append({**b, "rich": rich})
        sections[key] = {**section, "blocks": blocks}
    return {**context, "nv": sections}


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
    env.filters["md_text"] = markdown.md  # an older name of `md`, kept for local templates
    env.filters["md_block"] = md_block
    env.filters["md_section"] = md_section
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
        doc.render(_docx_blocks(context), jinja_env=env, autoescape=True)
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
    props.subject = f"Dữ liệu phiên bản {context.get('revision', '')}"
    props.title = f"{context.get('title', '')} {context.get('subtitle', '')}".strip()
    raw = io.BytesIO()
    doc.save(raw)
    return reproducible_zip(raw.getvalue())


def reproducible_zip(data: bytes) -> bytes:
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

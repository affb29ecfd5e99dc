"""Reading rendered notices back: text, fonts, metadata."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

STANDARD_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
}


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """Each page's text with all whitespace removed (wrapping inserts line breaks anywhere)."""
    return ["".join((page.extract_text() or "").split()) for page in reader(data).pages]


def text(data: bytes) -> str:
    return "".join(page_texts(data))


def page_fonts(data: bytes) -> list[Any]:
    """The font dictionaries referenced by any page (pypdf objects, resolved)."""
    fonts: list[Any] = []
    for page in reader(data).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        if font_dict is None:
            continue
        fonts.extend(ref.get_object() for ref in font_dict.get_object().values())
    return fonts


def base_font_names_in_file(data: bytes) -> set[str]:
    """Every /BaseFont named anywhere in the file (reportlab writes font objects uncompressed)."""
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", data)}


def file_id(data: bytes) -> bytes:
    """The first part of the trailer's /ID."""
    ids: Any = reader(data).trailer["/ID"]
    return bytes(ids[0].original_bytes)  # a ByteStringObject or, if it decodes, a TextStringObject

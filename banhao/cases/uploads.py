"""Checks on uploaded material files: size and type decided by content, never by name.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes. Beyond the format:

* **archives** (ZIP, RAR, 7z, gzip, bzip2, xz, zstd, tar, cab) are refused outright — which
  also keeps zip bombs out;
* **PDFs** must parse (pypdf, non-strict), must not be encrypted and must not carry active
  content: JavaScript (``/JS``, ``/JavaScript``), additional or automatic actions (``/AA``,
  an ``/OpenAction`` that runs JavaScript or launches something), ``/Launch`` actions,
  embedded files (``/EmbeddedFile``, ``/EmbeddedFiles``, ``/EF``, ``/FileAttachment``),
  ``/RichMedia`` or ``/XFA`` forms. Names are looked for twice: in the parsed objects
  (pypdf decodes ``#xx`` escapes, so ``/J#61vaScript`` reads as ``/JavaScript``, and
  compressed object streams are opened) and in a raw scan of the bytes outside streams
  (escapes decoded too), which also sees objects that no cross-reference table points to;
* **images** must open and ``verify()`` in Pillow as the format their magic bytes claim,
  and be at most 10000×10000 pixels (a small file may declare a huge canvas: a
  decompression bomb).

The applicant's file name is only ever *shown* (``safe_name``: last path component, no
control, bidi or path characters, extension matching the content). Files are stored under
``stored_name``: a random uuid4 hex plus the extension decided from the content.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from banhao.shared.errors import ValidationFailed

#: Magic bytes of the accepted formats (PDF, JPEG, PNG).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)

#: Magic bytes of archive and compression formats, refused whatever the name says.
ARCHIVE_SIGNATURES: tuple[bytes, ...] = (
    b"PK\x03\x04",  # ZIP (also docx/xlsx/jar/apk)
    b"PK\x05\x06",  # empty ZIP
    b"PK\x07\x08",  # spanned ZIP
    b"Rar!\x1a\x07",  # RAR 4 and 5
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # Microsoft cabinet
)

#: Largest accepted image side in pixels (decompression bombs declare huge canvases).
MAX_IMAGE_SIDE = 10_000
#: Objects visited in one PDF before it counts as unreadable (a denial-of-service guard).
MAX_PDF_OBJECTS = 200_000

SCRIPT_NAMES = frozenset({"/JS", "/JavaScript", "/AA", "/RichMedia", "/XFA"})
LAUNCH_NAMES = frozenset({"/Launch"})
EMBEDDED_NAMES = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/FileAttachment"})
WATCHED_NAMES = SCRIPT_NAMES | LAUNCH_NAMES | EMBEDDED_NAMES

#: Extensions a shown file name may keep for each accepted type.
NAME_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
}

MESSAGES = {
    "upload_empty": "上传的文件是空的",
    "upload_type": "文件类型不支持：只接受 PDF、JPG、PNG 文件（按文件内容识别，与文件名无关）",
    "upload_archive": (
        "不接受压缩包（ZIP、RAR、7z、gzip 等）：请解压后把其中的文件逐个以 PDF、JPG 或 PNG 格式上传"
    ),
    "upload_pdf_invalid": "PDF 文件已损坏或格式不正确，无法读取，请重新导出或扫描后再上传",
    "upload_pdf_encrypted": (
        "PDF 文件已加密或设置了密码/权限限制，系统无法检查其内容，请去除密码后再上传"
        "（可用“打印为 PDF”另存一份）"
    ),
    "upload_pdf_script": (
        "PDF 文件含有脚本或自动执行的动作（JavaScript 等），出于安全原因不予接收，"
        "请用“打印为 PDF”另存一份不含脚本的文件后再上传"
    ),
    "upload_pdf_launch": (
        "PDF 文件含有启动外部程序的动作，出于安全原因不予接收，请用“打印为 PDF”另存一份后再上传"
    ),
    "upload_pdf_embedded": (
        "PDF 文件内嵌了其他文件（附件），出于安全原因不予接收，请删除附件，"
        "或把附件作为单独的材料上传"
    ),
    "upload_image_invalid": "图片文件已损坏或不是真正的 JPG/PNG 图片，请重新拍照或扫描后再上传",
    "upload_image_too_large": (
        "图片尺寸过大{dimensions}，长和宽都不能超过 10000 像素，请缩小后再上传"
    ),
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    #: The applicant's file name made safe to show and to offer as a download name.
    safe_name: str
    #: The name to store the file under: random, with the extension decided by content.
    stored_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "BANHAO_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _refuse(code: str, field: str, **details: Any) -> ValidationFailed:
    message = MESSAGES[code]
    if code == "upload_image_too_large":
        size = details.get("dimensions")
        message = message.format(dimensions=f"（{size}）" if size else "")
    return ValidationFailed(message, field=field, code=code, details=details or None)


_UNSAFE_CHARACTERS = re.compile(r"[\\/<>:\"|?*]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_filename(name: str) -> str:
    """The last path component, without control, format (bidi) or path characters, at most
    100 characters, never empty, never a Windows device name."""
    name = unicodedata.normalize("NFC", name)
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    base = _UNSAFE_CHARACTERS.sub("", base).strip(" .")
    if _WINDOWS_RESERVED.match(base):
        base = f"_{base}"
    if len(base) > 100:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = stem[: 100 - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            base = base[:100]
    return base or "file"


def _shown_name(name: str, content_type: str, extension: str) -> str:
    """``safe_filename`` whose extension agrees with the content (``报告.html`` holding a PDF
    is shown and downloaded as ``报告.html.pdf``)."""
    base = safe_filename(name)
    if not base.lower().endswith(NAME_EXTENSIONS[content_type]):
        base = safe_filename(base[: 100 - len(extension)] + extension)
    return base


def check_upload(upload: UploadedFile[Any], *, field: str = "file") -> CheckedUpload:
    """Refuse empty, oversized, unsupported and unsafe files with a Chinese message; the
    ``ValidationFailed`` codes are ``upload_empty``, ``upload_too_large``, ``upload_type``,
    ``upload_archive``, ``upload_pdf_*`` and ``upload_image_*``."""
    size = int(upload.size or 0)
    if size == 0:
        raise _refuse("upload_empty", field)
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationFailed(
            f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {limit // 1024 // 1024} MB",
            field=field,
            code="upload_too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data:
        raise _refuse("upload_empty", field)
    if len(data) > limit:
        raise ValidationFailed(
            f"文件过大，单个文件不能超过 {limit // 1024 // 1024} MB",
            field=field,
            code="upload_too_large",
        )
    if data.startswith(ARCHIVE_SIGNATURES) or data[257:262] == b"ustar":
        raise _refuse("upload_archive", field)
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            if content_type == "application/pdf":
                check_pdf(data, field=field)
            else:
                check_image(data, content_type, field=field)
            return CheckedUpload(
                content_type=content_type,
                extension=extension,
                size=len(data),
                safe_name=_shown_name(upload.name or "", content_type, extension),
                stored_name=uuid.uuid4().hex + extension,
            )
    raise _refuse("upload_type", field)


# -- PDF ----------------------------------------------------------------------------------------

#: Stream data is skipped by the raw scan: binary (compressed) data would match short names
#: like ``/AA`` by chance. What streams hold as objects (object streams) the parsed scan sees.
_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\r|\n)")
#: A PDF name: a solidus followed by regular characters, ``#xx`` being an escaped byte.
_RAW_NAME = re.compile(rb"/((?:[^\s/\[\]()<>{}%#]|#[0-9A-Fa-f]{2})+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def outside_streams(data: bytes) -> bytes:
    """``data`` without what lies between ``stream`` and ``endstream``, in one linear pass
    (a regular expression would go quadratic on many unterminated streams). Data after a
    ``stream`` keyword that never ends is kept, so it is scanned."""
    parts = []
    position = 0
    while (start := _STREAM_START.search(data, position)) is not None:
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        parts.append(data[position : start.start()])
        position = end + len(b"endstream")
    parts.append(data[position:])
    return b"\n".join(parts)


def raw_names(data: bytes) -> set[str]:
    """Watched names in the bytes outside stream data, ``#xx`` escapes decoded."""
    found: set[str] = set()
    for match in _RAW_NAME.finditer(outside_streams(data)):
        decoded = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        name = "/" + decoded.decode("latin-1")
        if name in WATCHED_NAMES:
            found.add(name)
    return found


def parsed_names(reader: Any) -> set[str]:
    """Watched names (as keys or values) in every object pypdf can reach: from the trailer
    and from every cross-reference entry, including objects inside object streams."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, entries in reader.xref.items():
        stack.extend(IndirectObject(idnum, generation, reader) for idnum in entries)
    stack.extend(IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm)
    budget = MAX_PDF_OBJECTS
    while stack:
        budget -= 1
        if budget < 0:
            raise ValueError("too many PDF objects")
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = reader.get_object(node)
        if isinstance(node, NameObject):
            if node in WATCHED_NAMES:
                found.add(str(node))
        elif isinstance(node, DictionaryObject):  # stream objects are dictionaries too
            for name, value in dict.items(node):
                if name in WATCHED_NAMES:
                    found.add(str(name))
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
    return found


def check_pdf(data: bytes, *, field: str = "file") -> None:
    """Refuse a PDF that does not parse, is encrypted or carries active content."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds on malformed input
        raise _refuse("upload_pdf_invalid", field) from exc
    if encrypted:
        raise _refuse("upload_pdf_encrypted", field)
    try:
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        found = parsed_names(reader)
    except Exception as exc:
        raise _refuse("upload_pdf_invalid", field) from exc
    found |= raw_names(data)
    for names, code in (
        (LAUNCH_NAMES, "upload_pdf_launch"),
        (SCRIPT_NAMES, "upload_pdf_script"),
        (EMBEDDED_NAMES, "upload_pdf_embedded"),
    ):
        if found & names:
            raise _refuse(code, field, found=sorted(found))


# -- images -------------------------------------------------------------------------------------

_PILLOW_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}}


def check_image(data: bytes, content_type: str, *, field: str = "file") -> None:
    """Refuse an image Pillow cannot open and verify as the claimed format, or one larger than
    ``MAX_IMAGE_SIDE`` on either side."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Our own side limit applies; Pillow's warning threshold (89 M pixels) is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() leaves the image unusable
                image_format = image.format
                width, height = image.size
    except Image.DecompressionBombError as exc:
        raise _refuse("upload_image_too_large", field) from exc
    except Exception as exc:  # Pillow raises many kinds on malformed input
        raise _refuse("upload_image_invalid", field) from exc
    if image_format not in _PILLOW_FORMATS[content_type]:
        raise _refuse("upload_image_invalid", field)
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width < 1 or height < 1:
        raise _refuse("upload_image_too_large", field, dimensions=f"{width}×{height} 像素")

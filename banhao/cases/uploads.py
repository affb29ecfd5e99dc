"""Checks on uploaded material files: size and type decided by content, not by name."""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    safe_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "BANHAO_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def safe_filename(name: str) -> str:
    """The last path component, without control or path characters, at most 100 chars."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "", base).strip(" .")
    return base[:100] or "file"


def check_upload(upload: UploadedFile[Any], *, field: str = "file") -> CheckedUpload:
    """Refuse empty, oversized and unsupported files with a Chinese message."""
    size = int(upload.size or 0)
    if size == 0:
        raise ValidationFailed("上传的文件是空的", field=field, code="upload_empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationFailed(
            f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {limit // 1024 // 1024} MB",
            field=field,
            code="upload_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return CheckedUpload(content_type, extension, size, safe_filename(upload.name or ""))
    raise ValidationFailed(
        "文件类型不支持：只接受 PDF、JPG、PNG 文件（按文件内容识别，与文件名无关）",
        field=field,
        code="upload_type",
    )

"""The electronic licence (电子证照) as a PDF, and the seal block attached to it (ADR 0008).

``render_licence(face)`` lays the licence out with ``pdf.render_notice``: the licence name as
the title, the 证照编号, the holder, the 照面信息 as a table, the 落款 with the bureau's
approval seal drawn programmatically (red ring, star, bureau name along the arc), and at the
bottom the 证照标识, the validity and a QR code that opens the public verification page. The
font is embedded and the bytes are deterministic for identical input.

``attach_seal(pdf, payload)`` appends one PDF *incremental update* to those bytes that adds
the key ``/BanhaoSeal`` (the signed payload as JSON) to the document information dictionary;
the original bytes stay a prefix of the result, so the signature can cover their SM3 digest.
``read_seal(pdf)`` returns the prefix and the payload and checks that the file is exactly the
prefix plus that one update (anything appended or changed afterwards is tampering).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from banhao.documents.pdf import Notice, format_chinese_date, render_notice

__all__ = [
    "SEAL_INFO_KEY",
    "LicenceFace",
    "SealReadError",
    "attach_seal",
    "read_seal",
    "render_licence",
]

SEAL_INFO_KEY = "/BanhaoSeal"
logging.getLogger("pypdf").setLevel(logging.ERROR)  # a tampered file is an answer, not a log


@dataclass(frozen=True, kw_only=True)
class LicenceFace:
    """Everything printed on a licence (plain values)."""

    bureau_name: str
    title: str  # 证照名称, e.g. 建筑工程施工许可证
    number: str  # 证照编号
    holder: str
    holder_code_label: str  # 统一社会信用代码 / 公民身份号码
    holder_code: str  # printed as given (mask it before, if it must not be printed in full)
    rows: tuple[tuple[str, str], ...]  # 照面信息
    identifier: str
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    verify_url: str
    seal_text: str  # "邹平市行政审批服务局\n行政审批专用章"
    version_note: str = ""  # e.g. "变更（第 2 版），关联证照标识 …"


def _validity(face: LicenceFace) -> str:
    start = format_chinese_date(face.valid_from)
    end = format_chinese_date(face.valid_to) if face.valid_to else "长期"
    return f"{start}至{end}"


def render_licence(face: LicenceFace) -> bytes:
    """The licence PDF (not yet sealed)."""
    rows = (
        ("持证主体", face.holder),
        (face.holder_code_label, face.holder_code),
        *face.rows,
        ("有效期限", _validity(face)),
        ("发证日期", format_chinese_date(face.issued_on)),
    )
    paragraphs = [
        "根据《中华人民共和国行政许可法》及有关规定，经审查，准予许可，特发此证。",
    ]
    if face.version_note:
        paragraphs.append(face.version_note)
    notice = Notice(
        bureau_name=face.bureau_name,
        title=face.title,
        document_number=f"证照编号：{face.number}",
        addressee=f"{face.holder}：",
        paragraphs=tuple(paragraphs),
        table=rows,
        closing_paragraphs=("本电子证照与纸质证照具有同等法律效力（国务院令第716号）。",),
        footer_lines=(
            f"证照标识：{face.identifier}",
            f"验证网址：{face.verify_url}",
            "扫描右侧二维码或访问验证网址，可查验本证照的真实性与状态；"
            "也可上传本文件离线验证签章。",
        ),
        issuer=face.bureau_name,
        issued_on=face.issued_on,
        qr_url=face.verify_url,
        qr_caption="扫码验证",
        seal_text=face.seal_text,
    )
    return render_notice(notice)


class SealReadError(ValueError):
    """The file carries no readable seal block, or something follows it; ``str`` is Chinese."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def attach_seal(pdf: bytes, payload: dict[str, Any]) -> bytes:
    """``pdf`` plus one incremental update adding the payload (deterministic)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({SEAL_INFO_KEY: text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_seal(pdf: bytes) -> tuple[bytes, dict[str, Any]]:
    """(the signed prefix, the payload) of a sealed licence file.

    ``SealReadError`` with code ``not_sealed`` (not a PDF, or no seal block) or ``tampered``
    (the file is not exactly the signed prefix plus its seal block).
    """
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        info = reader.metadata
        text = info.get(SEAL_INFO_KEY) if info is not None else None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SealReadError("文件不是有效的 PDF，或已损坏", code="not_sealed") from exc
    if not isinstance(text, str):
        raise SealReadError("文件中没有电子印章签名信息", code="not_sealed")
    try:
        payload = json.loads(text)
        length = int(payload["signed_length"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SealReadError("电子印章签名信息格式错误", code="tampered") from exc
    if not isinstance(payload, dict) or not 0 < length < len(pdf):
        raise SealReadError("电子印章签名信息格式错误", code="tampered")
    prefix = pdf[:length]
    try:
        expected = attach_seal(prefix, payload)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SealReadError("文件被篡改：签名覆盖的内容已损坏", code="tampered") from exc
    if expected != pdf:
        raise SealReadError("文件被篡改：签章后内容被修改或追加", code="tampered")
    return prefix, payload

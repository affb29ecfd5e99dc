"""Printed material of 民说民评: invitation letters, the contact list of leaders and section
heads (24 小时联系电话), and numbered paper questionnaires with a QR code.

Plain values in, PDF bytes out (A4, the vendored CJK font of ``banhao.documents.pdf``
embedded, reportlab's invariant mode so identical input gives identical bytes). Callers build
the values from the selectors; nothing here reads the database.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from banhao.documents.pdf import FONT_NAME, draw_qr, format_chinese_date, register_font
from banhao.documents.pdf import _render_lock as _font_state_lock  # the renderer's lock: see _build

MARGIN = 20 * mm
QR_SIZE = 26 * mm


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": FONT_NAME,
        "fontSize": 11,
        "leading": 17,
        "wordWrap": "CJK",
    }
    base.update(overrides)
    return ParagraphStyle(name, **base)


TITLE = _style("title", fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=10)
SUBTITLE = _style("subtitle", fontSize=10, leading=14, alignment=TA_CENTER, spaceAfter=8)
BODY = _style("body", firstLineIndent=22, spaceAfter=6)
PLAIN = _style("plain", spaceAfter=4)
SMALL = _style("small", fontSize=9, leading=13)
CELL = _style("cell", fontSize=10, leading=14)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    register_font()  # paragraphs resolve their font when they are made
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _Qr(Flowable):
    """A QR code (segno, error level M) drawn as filled runs of modules: an order of magnitude
    faster than reportlab's QR widget, which matters for batches of numbered copies."""

    def __init__(self, url: str, size: float = QR_SIZE) -> None:
        super().__init__()
        # With the 4-module quiet zone the standard asks for (left white, nothing drawn).
        self.url = url
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.url, x=0, y=0, size=self.size, border=4)


def _build(story: list[Flowable], *, title: str, author: str) -> bytes:
    register_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        creator="办好 Banhao",
        invariant=True,
        lang="zh-CN",
        initialFontName=FONT_NAME,
    )
    # reportlab keeps per-document font-subset state in the shared TTFont; the notices'
    # renderer serialises on this lock, so letters and questionnaires must take the same one.
    with _font_state_lock:
        document.build(story)
    return buffer.getvalue()


# -- invitation letters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForumSheet:
    bureau_name: str
    theme: str
    held_on: Any  # date
    start_time: str  # "09:00" or ""
    place: str
    agenda: str
    contacts: Sequence[tuple[str, str, str, str, bool]] = ()  # name, position, unit, phone, 24h


@dataclass(frozen=True)
class Invitation:
    name: str
    organisation: str
    category: str


def invitation_letters(forum: ForumSheet, invitations: Sequence[Invitation]) -> bytes:
    """One page per invitee: 邀请函 with date, place and agenda."""
    if not invitations:
        raise ValueError("邀请名单为空")
    story: list[Flowable] = []
    when = format_chinese_date(forum.held_on) + (f" {forum.start_time}" if forum.start_time else "")
    for index, invitation in enumerate(invitations):
        if index:
            story.append(PageBreak())
        addressee = invitation.name + (
            f"（{invitation.organisation}）" if invitation.organisation else ""
        )
        story += [
            _p("邀 请 函", TITLE),
            _p(f"尊敬的{addressee}：", PLAIN),
            _p(
                f"为听取企业和群众对政务服务的意见建议，{forum.bureau_name}定于{when}在"
                f"{forum.place}召开“{forum.theme}”，诚邀您作为{invitation.category}参加。",
                BODY,
            ),
            _p("会议议程：", PLAIN),
            _p(forum.agenda or "（另行通知）", PLAIN),
            Spacer(1, 8 * mm),
            _p("请于会前回复是否参加。“民说民评”，让群众说了算。", BODY),
            Spacer(1, 14 * mm),
            _p(forum.bureau_name, _style("sign", alignment=2)),
            _p(format_chinese_date(forum.held_on), _style("sign-date", alignment=2)),
        ]
    return _build(story, title=f"{forum.theme} 邀请函", author=forum.bureau_name)


def contact_list(forum: ForumSheet) -> bytes:
    """The list of leaders and section heads handed out at the forum, with phone numbers."""
    if not forum.contacts:
        raise ValueError("联系人名单为空")
    rows: list[list[Any]] = [
        [_p(h, CELL) for h in ("序号", "姓名", "职务", "科室或单位", "联系电话", "24小时")]
    ]
    for number, (name, position, unit, phone, all_day) in enumerate(forum.contacts, start=1):
        rows.append(
            [
                _p(str(number), CELL),
                _p(name, CELL),
                _p(position, CELL),
                _p(unit, CELL),
                _p(phone, CELL),
                _p("是" if all_day else "—", CELL),
            ]
        )
    table = Table(rows, colWidths=[12 * mm, 24 * mm, 34 * mm, 46 * mm, 38 * mm, 16 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story: list[Flowable] = [
        _p("领导及科室负责人联系方式", TITLE),
        _p(f"{forum.theme} · {format_chinese_date(forum.held_on)} · {forum.place}", SUBTITLE),
        table,
        Spacer(1, 6 * mm),
        _p("以上电话 24 小时畅通，欢迎随时反映办事中遇到的问题。", SMALL),
    ]
    return _build(story, title="领导及科室负责人联系方式", author=forum.bureau_name)


# -- paper questionnaires -------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedQuestion:
    code: str
    kind: str  # single | multiple | scale | text
    text: str
    options: Sequence[tuple[str, str]] = ()  # (code, label)
    required: bool = True
    condition: str = ""  # "（第 Q1 题选 B 时作答）"


@dataclass(frozen=True)
class PaperSheet:
    bureau_name: str
    title: str
    intro: str
    questions: Sequence[PrintedQuestion]


def _question_block(question: PrintedQuestion) -> Flowable:
    head = f"{question.code}. {question.text}"
    if question.kind == "multiple":
        head += "（可多选）"
    if not question.required:
        head += "（选答）"
    if question.condition:
        head += question.condition
    parts: list[Flowable] = [_p(head, PLAIN)]
    if question.kind in ("single", "multiple"):
        parts.append(
            _p("　　".join(f"□ {code}. {label}" for code, label in question.options), PLAIN)
        )
    elif question.kind == "scale":
        parts.append(_p("非常不满意 □1　□2　□3　□4　□5 非常满意", PLAIN))
    else:
        parts.append(Spacer(1, 18 * mm))
    parts.append(Spacer(1, 3 * mm))
    return KeepTogether(parts)


def paper_questionnaires(sheet: PaperSheet, copies: Sequence[tuple[str, str]]) -> bytes:
    """One questionnaire per ``(serial, qr_url)``: the serial printed large at the top right
    (entered later by keyboard), the QR code to answer online instead."""
    if not copies:
        raise ValueError("没有需要印制的问卷")
    story: list[Flowable] = []
    for index, (serial, url) in enumerate(copies):
        if index:
            story.append(PageBreak())
        header = Table(
            [
                [
                    [
                        _p(sheet.title, _style("qt", fontSize=15, leading=21)),
                        _p(sheet.intro, SMALL),
                    ],
                    [
                        _Qr(url),
                        _p("扫码可在网上填写", SMALL),
                        _p("流水号", SMALL),
                        _p(serial, _style("serial", fontSize=11, leading=15)),
                    ],
                ]
            ],
            colWidths=[125 * mm, 45 * mm],
        )
        header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [header, Spacer(1, 5 * mm)]
        story += [_question_block(question) for question in sheet.questions]
        story.append(
            _p(
                f"填写后请装入回邮信封寄回，或交至{sheet.bureau_name}服务台。每份问卷只录入一次。",
                SMALL,
            )
        )
    return _build(story, title=sheet.title, author=sheet.bureau_name)

"""Render an official notice (文书) as a PDF that shows its Chinese text in any viewer.

``render_notice(notice)`` lays out a ``Notice`` on A4 with reportlab: the bureau's name and the
title centred at the top, the 文书编号, the addressee, the body paragraphs (wrapped as Chinese
text, with the line-breaking rules for punctuation), an optional table of label/value rows, an
optional numbered list, closing paragraphs, the 落款 (issuer and date in Chinese form) with a
drawn red seal outline over it, and at the bottom of the last page the footer lines and an
optional QR code.

The font is the vendored WenQuanYi Micro Hei (``fonts/wqy-microhei.ttc``, TrueType outlines):
reportlab subsets it and embeds it in every PDF, so nothing depends on the fonts of the server
or of the reader's machine. No standard-14 font (Helvetica…) is ever referenced.

The output is deterministic: identical notices give identical bytes (reportlab's invariant mode,
the PDF dates set to the notice's issue date, the file identifier derived from the content), so
a rendered notice can be hashed, compared in tests, and later signed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import math
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

__all__ = [
    "FONT_NAME",
    "FONT_PATH",
    "Notice",
    "format_chinese_date",
    "register_font",
    "render_notice",
]

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 25 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

BODY_SIZE = 11.5
BODY_LEADING = 18.5
SMALL_SIZE = 8.5
CELL_SIZE = 10.5
CELL_PADDING = 5
TABLE_LABEL_WIDTH = 27 * mm  # six characters: 承诺办结日期
SEAL_RADIUS = 19 * mm  # a 38 mm 受理专用章
SEAL_INNER_TEXT_DROP = SEAL_RADIUS * 0.56  # baseline of the seal's horizontal text below centre
QR_SIZE = 20 * mm
FOOTER_SINK = 13 * mm  # the footer's bottom edge may sit this far into the bottom margin
SEAL_RED = colors.Color(0.86, 0.08, 0.12)
RULE_GREY = colors.Color(0.45, 0.45, 0.45)
TEXT_GREY = colors.Color(0.3, 0.3, 0.3)
LABEL_SHADE = colors.Color(0.95, 0.95, 0.95)

MAX_QR_URL_LENGTH = 800  # a QR code at level M still prints legibly at 24 mm well below this


def format_chinese_date(day: dt.date) -> str:
    """2026-11-28 → "2026年11月28日": Arabic numerals without leading zeros, as in 公文."""
    return f"{day.year}年{day.month}月{day.day}日"


# -- the notice ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Everything printed on one notice. Plain values only; builders live in ``notices``.

    The body is laid out in this order: ``addressee``, ``paragraphs``, ``table``,
    ``items_heading`` and ``items`` (numbered 1. 2. 3.), ``closing_paragraphs``, then the 落款
    (``issuer`` and ``issued_on``) with the seal, and the ``footer_lines`` and QR code at the
    bottom of the last page.

    ``seal_text``: the first line is set along the upper arc of the seal, an optional second line
    (after "\\n") horizontally under the star, e.g. "邹平市行政审批服务局\\n受理专用章". The seal
    is a vector drawing of the 专用章's outline, not an image of a real seal.
    """

    bureau_name: str
    title: str
    document_number: str
    addressee: str
    paragraphs: tuple[str, ...]
    table: tuple[tuple[str, str], ...] = ()
    items_heading: str | None = None
    items: tuple[str, ...] = ()
    closing_paragraphs: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    issuer: str
    issued_on: dt.date
    qr_url: str | None = None
    qr_caption: str = "扫码查看"
    seal_text: str | None = None

    def __post_init__(self) -> None:
        # Accept lists from callers but store tuples, so the notice stays hashable and frozen.
        for name in ("paragraphs", "items", "closing_paragraphs", "footer_lines", "table"):
            if isinstance(getattr(self, name), str):
                raise ValueError(f"{name} 应为多行文字的列表，而不是一个字符串")
        for name in ("paragraphs", "items", "closing_paragraphs", "footer_lines"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "table", tuple(tuple(row) for row in self.table))
        self._validate()

    def _validate(self) -> None:
        required = {
            "bureau_name": "机关名称",
            "title": "文书标题",
            "document_number": "文书编号",
            "addressee": "主送对象",
            "issuer": "落款",
        }
        for name, label in required.items():
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{label}不能为空")
        if not isinstance(self.issued_on, dt.date):
            raise ValueError("落款日期必须是日期")
        if not self.paragraphs:
            raise ValueError("正文至少需要一段")
        _require_lines(self.paragraphs, "正文第{}段")
        _require_lines(self.closing_paragraphs, "结尾第{}段")
        _require_lines(self.items, "清单第{}项")
        _require_lines(self.footer_lines, "页脚第{}行")
        self._validate_table()
        self._validate_extras()

    def _validate_table(self) -> None:
        for number, row in enumerate(self.table, start=1):
            if len(row) != 2:
                raise ValueError(f"表格第{number}行必须是“项目、内容”两列")
            label, value = row
            if not label.strip():
                raise ValueError(f"表格第{number}行的项目名称为空")
            if not value.strip():
                raise ValueError(f"表格第{number}行（{label}）的内容为空")

    def _validate_extras(self) -> None:
        if self.items_heading is not None and not self.items_heading.strip():
            raise ValueError("清单标题不能为空白")
        if self.items_heading is not None and not self.items:
            raise ValueError("有清单标题却没有清单内容")
        if self.qr_url is not None:
            if not self.qr_url.strip():
                raise ValueError("二维码链接不能为空白")
            if len(self.qr_url) > MAX_QR_URL_LENGTH:
                raise ValueError(f"二维码链接过长（不超过{MAX_QR_URL_LENGTH}个字符）")
            if not self.qr_caption.strip():
                raise ValueError("二维码说明不能为空")
        if self.seal_text is not None:
            lines = self.seal_text.split("\n")
            if len(lines) > 2 or not all(line.strip() for line in lines):
                raise ValueError("印章文字应为一行或两行（环绕文字、横排文字），且不能为空")

    def texts(self) -> Iterable[str]:
        """Every string printed on the notice (for the glyph check)."""
        yield from (self.bureau_name, self.title, self.document_number, self.addressee)
        yield from self.paragraphs
        for label, value in self.table:
            yield label
            yield value
        if self.items_heading:
            yield self.items_heading
        yield from self.items
        yield from self.closing_paragraphs
        yield from self.footer_lines
        yield self.issuer
        if self.qr_url is not None:
            yield self.qr_caption
        if self.seal_text:
            yield self.seal_text


def _require_lines(lines: tuple[str, ...], label: str) -> None:
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, str) or not line.strip():
            raise ValueError(f"{label.format(number)}内容为空")


# -- the font ------------------------------------------------------------------------------------

_font_lock = threading.Lock()
_font: Any = None


def register_font() -> Any:
    """Register the vendored WenQuanYi Micro Hei with reportlab (once per process); the TTFont."""
    global _font  # noqa: PLW0603 - a process-wide registration, guarded by the lock
    with _font_lock:
        if _font is None:
            font = TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0)
            pdfmetrics.registerFont(font)
            # <b>/<i> in paragraph markup would otherwise fall back to Helvetica.
            pdfmetrics.registerFontFamily(
                FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
            )
            _font = font
        return _font


def _check_glyphs(notice: Notice, font: Any) -> None:
    covered = font.face.charToGlyph
    missing = sorted(
        {
            char
            for text in notice.texts()
            for char in text
            if ord(char) not in covered and not char.isspace()
        }
    )
    if missing:
        listed = "、".join(f"{char}（U+{ord(char):04X}）" for char in missing)
        raise ValueError(
            f"文书中有字体无法显示的字符：{listed}。请改用规范汉字或通用字符，"
            "或由管理员处理生僻字后再出具文书"
        )


# -- styles and flowables ------------------------------------------------------------------------


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    settings: dict[str, Any] = {
        "fontName": FONT_NAME,
        "fontSize": BODY_SIZE,
        "leading": BODY_LEADING,
        "wordWrap": "CJK",
        "alignment": TA_JUSTIFY,
        "bulletFontName": FONT_NAME,
        "bulletFontSize": BODY_SIZE,
    }
    settings.update(overrides)
    return ParagraphStyle(name, **settings)


STYLES = {
    "number": _style("number", fontSize=10.5, leading=15, alignment=TA_CENTER),
    "addressee": _style("addressee", spaceBefore=6),
    "body": _style("body", firstLineIndent=2 * BODY_SIZE),
    "heading": _style("heading", firstLineIndent=2 * BODY_SIZE, keepWithNext=1),
    "item": _style("item", leftIndent=2 * BODY_SIZE + 18, bulletIndent=2 * BODY_SIZE),
    "cell_label": _style(
        "cell_label", fontSize=CELL_SIZE, leading=14, alignment=TA_CENTER, bulletFontSize=CELL_SIZE
    ),
    "cell_value": _style("cell_value", fontSize=CELL_SIZE, leading=14, alignment=TA_LEFT),
    "footer": _style(
        "footer", fontSize=SMALL_SIZE, leading=12, alignment=TA_LEFT, textColor=TEXT_GREY
    ),
    "caption": _style("caption", fontSize=8, leading=10, alignment=TA_CENTER, textColor=TEXT_GREY),
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _markup(text: str) -> str:
    """Plain text → reportlab paragraph markup (``<``, ``&`` escaped; newlines kept)."""
    return escape(_nfc(text)).replace("\n", "<br/>")


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(_markup(text), STYLES[style])


class _CentredLine(Flowable):
    """One centred line in a large size, optionally emboldened by stroking the glyph outlines
    (the font has no bold face); shrunk to fit the frame if it is too long."""

    def __init__(
        self, text: str, size: float, *, bold: bool, char_space: float = 0, space_after: float = 0
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.bold = bold
        self.char_space = char_space
        self.spaceAfter = space_after

    def _natural_width(self, size: float, char_space: float) -> float:
        width: float = pdfmetrics.stringWidth(self.text, FONT_NAME, size)
        return width + char_space * (len(self.text) - 1)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._size, self._char_space = self.size, self.char_space
        natural = self._natural_width(self._size, self._char_space)
        if natural > avail_width:
            self._char_space = 0
            natural = self._natural_width(self._size, 0)
            self._size = self._size * min(1.0, avail_width / natural)
        self._text_width = self._natural_width(self._size, self._char_space)
        self.width = avail_width
        self.height = self._size * 1.4
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        text = canvas.beginText()
        text.setFont(FONT_NAME, self._size)
        text.setCharSpace(self._char_space)
        if self.bold:
            canvas.setLineWidth(self._size * 0.035)
            canvas.setLineJoin(1)
            text.setTextRenderMode(2)  # fill, then stroke the outline: a faux bold
        text.setTextOrigin((self.width - self._text_width) / 2, self._size * 0.35)
        text.textOut(self.text)
        canvas.drawText(text)
        canvas.restoreState()


class _SignatureBlock(Flowable):
    """The 落款: issuer, and under it the date centred on the issuer, both kept to the right,
    with the seal over them: its star on the issuer line, its lower edge over the date (as a
    stamp is placed), the seal's horizontal text between the two lines. The seal is blended
    like ink (multiply), so the text under it stays black and legible.

    ``lead`` is a short closing line (特此通知。) set at the top left, beside the upper half of
    the seal, instead of taking a line of its own above it (see ``fits_beside_seal``).
    """

    RIGHT_INDENT = 2 * BODY_SIZE
    LINE_GAP = 30

    def __init__(
        self, issuer: str, issued_on: dt.date, seal_text: str | None, lead: str | None = None
    ) -> None:
        super().__init__()
        self.issuer = issuer
        self.date_text = format_chinese_date(issued_on)
        self.seal_text = seal_text
        self.lead = lead
        self.spaceBefore = BODY_LEADING - BODY_SIZE if lead else 6

    def _centre_x(self, width: float) -> float:
        issuer_width = pdfmetrics.stringWidth(self.issuer, FONT_NAME, BODY_SIZE)
        date_width = pdfmetrics.stringWidth(self.date_text, FONT_NAME, BODY_SIZE)
        return width - self.RIGHT_INDENT - max(issuer_width, date_width) / 2

    def fits_beside_seal(self, text: str, width: float = FRAME_WIDTH) -> bool:
        """Whether ``text`` as an indented single line stays clear of the seal."""
        if not self.seal_text or "\n" in text:
            return False
        seal_left = self._centre_x(width) - SEAL_RADIUS
        line_width = 2 * BODY_SIZE + pdfmetrics.stringWidth(_nfc(text), FONT_NAME, BODY_SIZE)
        return line_width <= seal_left - BODY_SIZE

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        if self.seal_text:
            self._date_y = SEAL_RADIUS * 0.2
            self._seal_centre_y = self._date_y + SEAL_INNER_TEXT_DROP + 13
            self.height = self._seal_centre_y + SEAL_RADIUS + 2
        else:
            self._date_y = 4
            self.height = self._date_y + self.LINE_GAP + BODY_SIZE
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        centre_x = self._centre_x(self.width)
        canvas.saveState()
        canvas.setFont(FONT_NAME, BODY_SIZE)
        if self.lead:
            canvas.drawString(2 * BODY_SIZE, self.height - BODY_SIZE, _nfc(self.lead))
        canvas.drawCentredString(centre_x, self._date_y + self.LINE_GAP, self.issuer)
        canvas.drawCentredString(centre_x, self._date_y, self.date_text)
        canvas.restoreState()
        if self.seal_text:
            # after the text, so that extracted text reads 落款, date, then the seal
            _draw_seal(canvas, centre_x, self._seal_centre_y, SEAL_RADIUS, self.seal_text)


def _draw_seal(canvas: Any, cx: float, cy: float, radius: float, seal_text: str) -> None:
    """A red round 专用章 outline: ring, five-pointed star, the first line of ``seal_text`` along
    the upper arc and the optional second line horizontally below the star."""
    arc_text, _, inner_text = seal_text.partition("\n")
    ring = radius * 0.055
    canvas.saveState()
    # Multiply, as ink on paper: the black text under the seal stays black and legible.
    canvas.setBlendMode("Multiply")
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, radius - ring / 2, stroke=1, fill=0)

    # the star
    star_outer, star_inner = radius * 0.26, radius * 0.26 * 0.382
    star_cy = cy + radius * 0.03
    path = canvas.beginPath()
    for point in range(10):
        r = star_outer if point % 2 == 0 else star_inner
        angle = math.radians(90 + point * 36)
        x, y = cx + r * math.cos(angle), star_cy + r * math.sin(angle)
        if point == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)

    # the text along the upper arc, each character upright towards the rim, spread evenly over
    # up to 240 degrees like the 机关名称 on a real seal
    chars = arc_text.strip()
    if chars:
        inner_rim = radius - ring - radius * 0.05
        max_span = math.radians(240)
        size = radius * 0.27
        baseline = inner_rim - size * 0.9
        while len(chars) > 1 and size * 1.05 * (len(chars) - 1) > max_span * baseline:
            size *= 0.95
            baseline = inner_rim - size * 0.9
        step = min(max_span / max(len(chars) - 1, 1), size * 1.9 / baseline)
        spread = step * (len(chars) - 1)
        canvas.setFont(FONT_NAME, size)
        for index, char in enumerate(chars):
            angle = math.pi / 2 + spread / 2 - index * step
            canvas.saveState()
            canvas.translate(cx, cy)
            canvas.rotate(math.degrees(angle) - 90)
            canvas.drawCentredString(0, baseline, char)
            canvas.restoreState()

    # the horizontal text under the star
    inner = inner_text.strip()
    if inner:
        size = radius * 0.19
        width = pdfmetrics.stringWidth(inner, FONT_NAME, size)
        limit = radius * 1.35
        if width > limit:
            size *= limit / width
        canvas.setFont(FONT_NAME, size)
        canvas.drawCentredString(cx, cy - SEAL_INNER_TEXT_DROP * radius / SEAL_RADIUS, inner)
    canvas.restoreState()


def draw_qr(canvas: Canvas, url: str, *, x: float, y: float, size: float, border: int = 0) -> None:
    """A QR code (segno, error level M) of ``size`` points with its lower left corner at
    (``x``, ``y``), drawn as filled runs of dark modules: an order of magnitude faster than
    reportlab's QR widget (≈ 100 ms a code), which matters for every licence and notice.
    ``border`` modules of quiet zone are left white inside ``size``."""
    code = segno.make(url, error="m", boost_error=False)
    matrix = [list(row) for row in code.matrix_iter(scale=1, border=border)]
    count = len(matrix)
    module = size / count
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            canvas.rect(
                x + start * module, top, (column - start) * module, module, stroke=0, fill=1
            )
    canvas.restoreState()


class _BottomBlock(Flowable):
    """Footer lines on the left and the QR code with its caption on the right, at the bottom of
    the page. It takes its natural height in the flow (so it can be kept together with the
    落款) and, being the last thing on the page, draws itself lowered onto the frame's bottom."""

    GAP = 6 * mm
    RULE_SPACE = 7

    def __init__(self, lines: tuple[str, ...], qr_url: str | None, qr_caption: str) -> None:
        super().__init__()
        self.lines = [_para(line, "footer") for line in lines]
        self.qr_url = qr_url
        self.caption = _para(qr_caption, "caption") if qr_url else None
        self.spaceBefore = 4

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        qr_width = QR_SIZE + 4 * mm if self.qr_url else 0
        text_width = avail_width - qr_width - (self.GAP if self.qr_url else 0)
        self._text_heights = [line.wrap(text_width, avail_height)[1] for line in self.lines]
        qr_height = 0.0
        if self.caption is not None:
            self._caption_height = self.caption.wrap(qr_width, avail_height)[1]
            qr_height = QR_SIZE + 2 + self._caption_height
        self.width = avail_width
        self.height = max(sum(self._text_heights), qr_height) + self.RULE_SPACE
        # it is drawn up to FOOTER_SINK below the frame, so it needs that much less in the flow
        return self.width, max(self.height - FOOTER_SINK, 0.0)

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        _, bottom = canvas.absolutePosition(0, 0)
        # down onto the frame's bottom edge, and FOOTER_SINK further into the bottom margin
        canvas.translate(0, min(0.0, MARGIN - FOOTER_SINK - bottom))
        top = self.height
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.5)
        canvas.line(0, top - 1, self.width, top - 1)
        y = top - self.RULE_SPACE
        for line, height in zip(self.lines, self._text_heights, strict=True):
            y -= height
            line.drawOn(canvas, 0, y)
        if self.qr_url and self.caption is not None:
            qr_box = QR_SIZE + 4 * mm
            left = self.width - qr_box
            self.caption.drawOn(canvas, left, 0)
            draw_qr(canvas, self.qr_url, x=left + 2 * mm, y=self._caption_height + 2, size=QR_SIZE)
        canvas.restoreState()


# -- page decoration and document --------------------------------------------------------------


class _NoticeCanvas(Canvas):
    """Canvas that knows the page count when saving: numbers the pages ("第 1 页 共 2 页") and
    repeats the 文书编号 at the top of continuation pages. Also pins the PDF dates to the
    issue date and derives the file identifier from the notice, for reproducible bytes."""

    def __init__(self, *args: Any, notice: Notice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._notice = notice
        self._page_states: list[dict[str, Any]] = []
        stamp = notice.issued_on.strftime("D:%Y%m%d000000+08'00'")
        self.setDateFormatter(lambda *_: stamp)
        # The file identifier (/ID) from the notice's content alone: reportlab seeds it with a
        # timestamp (fixed in invariant mode, but taken from SOURCE_DATE_EPOCH when that is set)
        # and would otherwise give every notice the same one.
        digest = hashlib.sha256(repr(dataclasses.astuple(notice)).encode()).digest()
        self._doc.signature = hashlib.md5(digest, usedforsecurity=False)  # type: ignore[attr-defined]

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        # keep the page for save(), then start the next one as Canvas.showPage would
        self._page_states.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        """Page numbers (and on continuation pages the title and 文书编号) in the top margin;
        the bottom margin is left to the footer of the last page."""
        if total == 1:
            return
        header = f"第 {number} 页　共 {total} 页"
        if number > 1:
            header = f"{self._notice.title}　{self._notice.document_number}　　{header}"
        self.saveState()
        self.setFont(FONT_NAME, SMALL_SIZE)
        self.setFillColor(TEXT_GREY)
        self.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN / 2 - 4, header)
        self.restoreState()


def _info_table(rows: tuple[tuple[str, str], ...]) -> Table:
    """Label/value rows in four columns: two consecutive rows whose values are short share a
    line (办件编号 | … | 事项名称 | …), a long value spans the line."""
    value_width = (FRAME_WIDTH - 2 * TABLE_LABEL_WIDTH) / 2 - 2 * CELL_PADDING

    def short(value: str) -> bool:
        return "\n" not in value and pdfmetrics.stringWidth(value, FONT_NAME, CELL_SIZE) <= (
            value_width
        )

    data: list[list[Any]] = []
    row_styles: list[tuple[Any, ...]] = []  # per-row SPAN and shading commands
    index = 0
    while index < len(rows):
        label, value = rows[index]
        following = rows[index + 1] if index + 1 < len(rows) else None
        cells: list[Paragraph | str] = [_para(label, "cell_label"), _para(value, "cell_value")]
        if following is not None and short(value) and short(following[1]):
            cells += [_para(following[0], "cell_label"), _para(following[1], "cell_value")]
            row_styles.append(("BACKGROUND", (2, len(data)), (2, len(data)), LABEL_SHADE))
            index += 2
        else:
            cells += ["", ""]
            row_styles.append(("SPAN", (1, len(data)), (3, len(data))))
            index += 1
        data.append(cells)
    half = FRAME_WIDTH / 2
    widths = [TABLE_LABEL_WIDTH, half - TABLE_LABEL_WIDTH] * 2
    table = Table(data, colWidths=widths, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # else empty cells set Helvetica
                ("GRID", (0, 0), (-1, -1), 0.5, RULE_GREY),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                *row_styles,
            ]
        )
    )
    return table


def _story(notice: Notice) -> list[Flowable]:
    story: list[Flowable] = [
        _CentredLine(notice.bureau_name, 16, bold=True, space_after=0),
        _CentredLine(notice.title, 22, bold=True, char_space=4, space_after=0),
        _para(notice.document_number, "number"),
        Spacer(1, 6),
        _para(notice.addressee, "addressee"),
    ]
    story.extend(_para(text, "body") for text in notice.paragraphs)
    if notice.table:
        story.extend([Spacer(1, 4), _info_table(notice.table), Spacer(1, 4)])
    if notice.items_heading:
        story.append(_para(notice.items_heading, "heading"))
    for number, item in enumerate(notice.items, start=1):
        story.append(Paragraph(_markup(item), STYLES["item"], bulletText=f"{number}."))

    # The 落款 never stands alone on a page: it is kept with the last paragraph before it and
    # with the footer (which goes to the bottom of that page).
    closing = list(notice.closing_paragraphs)
    signature = _SignatureBlock(notice.issuer, notice.issued_on, notice.seal_text)
    if closing and signature.fits_beside_seal(closing[-1]):
        signature.lead = closing.pop()
        signature.spaceBefore = BODY_LEADING - BODY_SIZE
    tail: list[Flowable] = [_para(text, "body") for text in closing]
    story.extend(tail[:-1])
    ending: list[Flowable] = [*tail[-1:], signature]
    if notice.footer_lines or notice.qr_url:
        ending.append(_BottomBlock(notice.footer_lines, notice.qr_url, notice.qr_caption))
    story.append(KeepTogether(ending))
    return story


_render_lock = threading.Lock()


def render_notice(notice: Notice) -> bytes:
    """The notice as PDF bytes (A4, font embedded, deterministic for identical input).

    Raises ValueError (message in Chinese) if a character is not in the embedded font.
    """
    font = register_font()
    _check_glyphs(notice, font)
    buffer = io.BytesIO()
    # The frame has no inner padding, so the text block is exactly the page less the margins.
    frame = Frame(
        MARGIN,
        MARGIN,
        FRAME_WIDTH,
        PAGE_HEIGHT - 2 * MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate(id="notice", frames=[frame])],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=notice.title,
        author=notice.bureau_name,
        subject=f"{notice.title}（{notice.document_number}）",
        creator="办好 Banhao",
        keywords=[notice.document_number],
        invariant=True,
        lang="zh-CN",
        displayDocTitle=True,
        initialFontName=FONT_NAME,
        initialFontSize=BODY_SIZE,
    )

    def canvasmaker(*args: Any, **kwargs: Any) -> _NoticeCanvas:
        return _NoticeCanvas(*args, notice=notice, **kwargs)

    # reportlab keeps per-document font-subset state in the shared TTFont object; one render
    # at a time per process keeps that simple and safe (a render takes tens of milliseconds).
    with _render_lock:
        document.build(_story(notice), canvasmaker=canvasmaker)
    return buffer.getvalue()

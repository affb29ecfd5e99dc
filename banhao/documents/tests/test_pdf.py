"""The PDF renderer: embedded font, text, layout across pages, determinism, validation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from banhao.documents import pdf
from banhao.documents.pdf import FONT_NAME, FONT_PATH, Notice, format_chinese_date, render_notice
from banhao.documents.samples import sample_acceptance, sample_correction
from banhao.documents.tests import helpers

REPO_ROOT = Path(__file__).resolve().parents[3]


def minimal(**changes: object) -> Notice:
    values: dict[str, object] = {
        "bureau_name": "邹平市行政审批服务局",
        "title": "受理通知书",
        "document_number": "邹审服受字〔2026〕第 000001 号",
        "addressee": "邹平市鲁信建设工程有限公司：",
        "paragraphs": ("你单位提出的申请，本局决定予以受理。",),
        "issuer": "邹平市行政审批服务局（受理专用章）",
        "issued_on": dt.date(2026, 11, 28),
    }
    values.update(changes)
    return Notice(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def full() -> bytes:
    """A notice using every part: table, items, closing, footer, QR code, seal."""
    return render_notice(sample_acceptance())


def test_format_chinese_date() -> None:
    assert format_chinese_date(dt.date(2026, 11, 28)) == "2026年11月28日"
    assert format_chinese_date(dt.date(2027, 1, 5)) == "2027年1月5日"


def test_renders_a_pdf_on_a4(full: bytes) -> None:
    assert full.startswith(b"%PDF-1.")
    assert full.rstrip().endswith(b"%%EOF")
    page = helpers.reader(full).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_text_is_extractable(full: bytes) -> None:
    text = helpers.text(full)
    for expected in (
        "邹平市行政审批服务局",
        "受理通知书",
        "邹审服受字〔2026〕第000123号",
        "邹平市鲁信建设工程有限公司：",
        "ZP20261120000123",
        "建筑工程施工许可证核发",
        "2026年11月27日（暂定）",
        "1.施工图设计文件审查合格书（原件）",
        "2.监理合同（加盖建设单位、监理单位公章的复印件）",
        "特此通知。",
        "邹平市行政审批服务局（受理专用章）",
        "2026年11月20日",
        "咨询电话：0543-0000101（演示）",
        "扫码评价（好差评）",
        "受理专用章",
    ):
        assert expected in text, expected


def test_font_is_embedded_truetype_subset(full: bytes) -> None:
    fonts = helpers.page_fonts(full)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei(-0)?", font["/BaseFont"])
        assert "/ToUnicode" in font  # so the text can be searched and copied
        descriptor = font["/FontDescriptor"].get_object()
        program = descriptor["/FontFile2"].get_object().get_data()
        assert program[:4] in (b"\x00\x01\x00\x00", b"true")  # a TrueType font program
        assert 1_000 < len(program) < 1_000_000  # a subset, not the 5 MB collection


def test_no_standard_14_font_anywhere(full: bytes) -> None:
    names = helpers.base_font_names_in_file(full)
    assert names
    assert all("WenQuanYiMicroHei" in name for name in names), names
    assert not {name.split("+")[-1] for name in names} & helpers.STANDARD_14
    assert not {str(f["/BaseFont"]).lstrip("/") for f in helpers.page_fonts(full)} & (
        helpers.STANDARD_14
    )


def test_metadata(full: bytes) -> None:
    info = helpers.reader(full).metadata
    assert info is not None
    assert info.title == "受理通知书"
    assert info.author == "邹平市行政审批服务局"
    assert info.subject == "受理通知书（邹审服受字〔2026〕第 000123 号）"
    assert str(info["/CreationDate"]) == "D:20261120000000+08'00'"  # the issue date, not "now"
    assert str(info["/ModDate"]) == str(info["/CreationDate"])


def test_identical_input_gives_identical_bytes(full: bytes) -> None:
    again = render_notice(sample_acceptance())
    assert again == full


def test_identical_bytes_in_a_fresh_process(full: bytes) -> None:
    """Nothing depends on process state (font registration order, counters, the clock)."""
    script = (
        "import hashlib, sys\n"
        "from banhao.documents.pdf import render_notice\n"
        "from banhao.documents.samples import sample_acceptance\n"
        "sys.stdout.write(hashlib.sha256(render_notice(sample_acceptance())).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO_ROOT),
            "TZ": "America/New_York",
            "SOURCE_DATE_EPOCH": "1700000000",  # reportlab would take its timestamp from it
        },
    )
    assert result.stdout == hashlib.sha256(full).hexdigest()


def test_different_notices_get_different_file_ids(full: bytes) -> None:
    other = render_notice(dataclasses.replace(sample_acceptance(), document_number="另一号"))
    first = helpers.file_id(full)
    second = helpers.file_id(other)
    assert first != second


def test_thirty_items_flow_onto_further_pages_without_losing_any() -> None:
    data = render_notice(sample_correction(30))
    pages = helpers.page_texts(data)
    assert len(pages) >= 2
    text = "".join(pages)
    for number in range(1, 31):
        assert f"{number}." in text
        assert f"（第{number}份）" in text, number
    # numbered in order, each exactly once
    positions = [text.index(f"（第{number}份）") for number in range(1, 31)]
    assert positions == sorted(positions)
    assert all(text.count(f"（第{number}份）") == 1 for number in range(1, 31))
    # continuation pages carry the title, 文书编号 and page numbers; the 落款 and footer sit
    # on the last page only
    total = len(pages)
    assert f"第1页共{total}页" in pages[0]
    assert f"补正材料通知书邹审服补字〔2026〕第000088号第2页共{total}页" in pages[1]
    assert "（受理专用章）" in pages[-1] and "办事地址：" in pages[-1]
    assert all("办事地址：" not in page for page in pages[:-1])


def test_one_page_notice_has_no_page_numbers(full: bytes) -> None:
    pages = helpers.page_texts(full)
    assert len(pages) == 1
    assert "第1页" not in pages[0]


def test_markup_characters_are_printed_literally() -> None:
    data = render_notice(minimal(paragraphs=("甲&乙<b>丙</b>丁 a<b",)))
    assert "甲&乙<b>丙</b>丁a<b" in helpers.text(data)


def test_seal_is_optional() -> None:
    without = helpers.text(render_notice(minimal()))
    stamped = helpers.text(render_notice(minimal(seal_text="邹平市行政审批服务局\n受理专用章")))
    assert "受理专用章" not in without.replace("（受理专用章）", "")
    assert "受理专用章" in stamped.replace("（受理专用章）", "")


def test_qr_code_is_optional_and_captioned() -> None:
    plain = render_notice(minimal())
    with_qr = render_notice(minimal(qr_url="https://banhao.example/pj/1", qr_caption="扫码评价"))
    assert "扫码评价" in helpers.text(with_qr)
    assert len(with_qr) > len(plain)


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools) to read the QR code back",
)
def test_qr_code_decodes_to_the_url(tmp_path: Path) -> None:
    url = "https://banhao.example/pj/ZP20261120000123"
    (tmp_path / "notice.pdf").write_bytes(render_notice(minimal(qr_url=url)))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "notice.pdf", "page"], cwd=tmp_path, check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", "page-1.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert decoded.stdout.strip() == url


def test_vendored_font_is_used_not_a_system_font() -> None:
    package = Path(pdf.__file__).resolve().parent
    assert FONT_PATH.is_file()
    assert FONT_PATH.parent == package / "fonts"
    font = pdf.register_font()
    assert font is pdf.register_font()  # registered once per process
    assert font.fontName == FONT_NAME
    assert Path(font.face.filename).resolve() == FONT_PATH


def test_font_readme_records_the_vendored_file() -> None:
    readme = (FONT_PATH.parent / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(FONT_PATH.read_bytes()).hexdigest()
    assert digest in readme
    assert f"{FONT_PATH.stat().st_size:,}" in readme
    assert "Apache" in readme
    assert (FONT_PATH.parent / "LICENSE").is_file()


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "文书标题不能为空"),
        ({"title": "  　"}, "文书标题不能为空"),
        ({"bureau_name": ""}, "机关名称不能为空"),
        ({"document_number": " "}, "文书编号不能为空"),
        ({"addressee": ""}, "主送对象不能为空"),
        ({"issuer": ""}, "落款不能为空"),
        ({"paragraphs": ()}, "正文至少需要一段"),
        ({"paragraphs": ("第一段", "  ")}, "正文第2段内容为空"),
        ({"items": ("施工图审查合格书", "", "监理合同")}, "清单第2项内容为空"),
        ({"items": ("　",)}, "清单第1项内容为空"),
        ({"closing_paragraphs": ("",)}, "结尾第1段内容为空"),
        ({"footer_lines": ("咨询电话", " ")}, "页脚第2行内容为空"),
        ({"table": (("办件编号", ""),)}, "表格第1行（办件编号）的内容为空"),
        ({"table": (("", "ZP1"),)}, "表格第1行的项目名称为空"),
        ({"items_heading": "容缺材料："}, "有清单标题却没有清单内容"),
        ({"qr_url": " "}, "二维码链接不能为空白"),
        ({"qr_url": "https://x/" + "a" * 1000}, "二维码链接过长"),
        ({"seal_text": "甲\n乙\n丙"}, "印章文字应为一行或两行"),
        ({"seal_text": "甲\n"}, "印章文字应为一行或两行"),
        ({"issued_on": "2026-11-28"}, "落款日期必须是日期"),
        ({"paragraphs": "一整段"}, "paragraphs 应为多行文字的列表"),
    ],
)
def test_bad_input_is_refused_in_chinese(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        minimal(**changes)


def test_characters_missing_from_the_font_are_refused() -> None:
    notice = minimal(addressee="吉𠮷：")  # 𠮷 U+20BB7 (CJK Extension B) is not in the font
    with pytest.raises(ValueError, match=r"字体无法显示的字符：𠮷（U\+20BB7）"):
        render_notice(notice)


def test_lists_are_stored_as_tuples() -> None:
    notice = minimal(paragraphs=["一段"], items=["甲", "乙"], table=[["办件编号", "ZP1"]])
    assert notice.paragraphs == ("一段",)
    assert notice.items == ("甲", "乙")
    assert notice.table == (("办件编号", "ZP1"),)
    hash(notice)

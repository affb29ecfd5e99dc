"""The printed PDFs: the CJK text is real text, the QR code on a paper copy decodes to the
online form with the copy's serial."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from banhao.engagement import printing

SHEET = printing.PaperSheet(
    bureau_name="邹平市行政审批服务局",
    title="政务服务满意度问卷",
    intro="本问卷不记名。",
    questions=[
        printing.PrintedQuestion(
            code="Q1", kind="single", text="是否一次办好", options=[("A", "是"), ("B", "否")]
        ),
        printing.PrintedQuestion(
            code="Q2", kind="text", text="原因", condition="（第 Q1 题选 B 时作答）"
        ),
        printing.PrintedQuestion(code="Q3", kind="scale", text="总体满意度"),
    ],
)
URL = "https://zwfw.example.cn/engagement/s/msmp-2026q4/?copy=msmp-2026q4-00007"


def test_one_page_per_copy_with_serial_and_deterministic_bytes():
    copies = [(f"msmp-2026q4-0000{n}", URL) for n in range(1, 4)]
    data = printing.paper_questionnaires(SHEET, copies)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    for page, (serial, _url) in zip(reader.pages, copies, strict=True):
        text = page.extract_text()
        assert serial in text and "是否一次办好" in text and "（第 Q1 题选 B 时作答）" in text
    assert printing.paper_questionnaires(SHEET, copies) == data  # invariant mode
    with pytest.raises(ValueError):
        printing.paper_questionnaires(SHEET, [])


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to read the QR code",
)
def test_the_qr_code_decodes_to_the_copy_url(tmp_path: Path):
    pdf = tmp_path / "copy.pdf"
    pdf.write_bytes(printing.paper_questionnaires(SHEET, [("msmp-2026q4-00007", URL)]))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    image = next(tmp_path.glob("p*.png"))
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == URL


def test_letters_and_contact_list():
    forum = printing.ForumSheet(
        bureau_name="邹平市行政审批服务局",
        theme="民说民评恳谈会",
        held_on=dt.date(2026, 12, 3),
        start_time="09:00",
        place="三楼会议室",
        agenda="一、通报\n二、发言",
        contacts=[("郑局长", "局长", "局领导", "0543-4321000", True)],
    )
    letters = PdfReader(
        io.BytesIO(
            printing.invitation_letters(
                forum,
                [
                    printing.Invitation(name="孙建国", organisation="市人大", category="人大代表"),
                    printing.Invitation(name="刘经理", organisation="", category="企业代表"),
                ],
            )
        )
    )
    assert len(letters.pages) == 2
    first = letters.pages[0].extract_text()
    assert "孙建国（市人大）" in first and "2026年12月3日 09:00" in first and "人大代表" in first
    contacts = PdfReader(io.BytesIO(printing.contact_list(forum))).pages[0].extract_text()
    assert "郑局长" in contacts and "0543-4321000" in contacts
    with pytest.raises(ValueError):
        printing.invitation_letters(forum, [])

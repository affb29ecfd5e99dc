"""Uploaded material files are judged by content: PDFs without active content, real images of
sane size, no archives; the applicant's name is shown, never used to store the file."""

from __future__ import annotations

import gzip
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from banhao.cases.models import CaseMaterial
from banhao.cases.services import case_material_upload
from banhao.cases.tests.conftest import World
from banhao.cases.tests.test_services import online_draft
from banhao.cases.uploads import (
    CheckedUpload,
    check_upload,
    outside_streams,
    parsed_names,
    raw_names,
    safe_filename,
)
from banhao.shared.errors import ValidationFailed

# -- building files ------------------------------------------------------------------------------


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF from object bodies numbered from 1 (1 must be the catalogue), classic xref."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """PDF 1.5: object 5 (``hidden``) lives only inside a Flate-compressed object stream (4),
    found through a cross-reference stream (6); the catalogue's /OpenAction points to it."""
    catalog = b"<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R>>"
    header = b"5 0 "
    packed = zlib.compress(header + hidden)
    object_stream = (
        b"<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n%s\nendstream"
        % (len(header), len(packed), packed)
    )
    out = b"%PDF-1.5\n"
    offsets = {}
    for number, body in ((1, catalog), (2, PAGES), (3, PAGE), (4, object_stream)):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, offsets[6], 0)]
    table = zlib.compress(b"".join(rows))
    out += (
        b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>\n"
        b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (len(table), table, offsets[6])
    )
    return out


def image(kind: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, kind)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose header is rewritten to claim ``width``×``height`` (CRC fixed)."""
    data = bytearray(image("PNG", (1, 1), "L"))
    ihdr = 8 + 4  # signature, then length; chunk type "IHDR" then 13 data bytes
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 4 + 13]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def upload(content: bytes, name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(content: bytes, name: str = "材料.pdf") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        check_upload(upload(content, name), field="material_1")
    assert info.value.field == "material_1"
    return info.value


# -- accepted ------------------------------------------------------------------------------------


def test_a_plain_pdf_is_accepted_with_a_random_stored_name() -> None:
    checked = check_upload(upload(written(one_page()), "营业执照（副本）.pdf"))
    assert checked.content_type == "application/pdf" and checked.extension == ".pdf"
    assert checked.safe_name == "营业执照（副本）.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", checked.stored_name)
    assert checked.stored_name != check_upload(upload(written(one_page()))).stored_name


def test_an_open_action_that_only_shows_a_page_is_accepted() -> None:
    """Word and WPS export PDFs with ``/OpenAction [page /Fit]``: no script, no refusal."""
    content = raw_pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>", PAGES, PAGE)
    assert check_upload(upload(content)).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("kind", "content_type", "extension", "name"),
    [("PNG", "image/png", ".png", "身份证.png"), ("JPEG", "image/jpeg", ".jpg", "身份证.jpg")],
)
def test_real_images_are_accepted(kind: str, content_type: str, extension: str, name: str) -> None:
    checked = check_upload(upload(image(kind), name))
    assert (checked.content_type, checked.extension, checked.safe_name) == (
        content_type,
        extension,
        name,
    )
    assert checked.stored_name.endswith(extension)


def test_the_largest_allowed_image_side_is_accepted() -> None:
    assert check_upload(upload(image("PNG", (10_000, 2), "1"), "长图.png")).extension == ".png"


def test_the_shown_name_gets_the_extension_of_the_content() -> None:
    assert check_upload(upload(written(one_page()), "说明.html")).safe_name == "说明.html.pdf"
    assert check_upload(upload(image("JPEG"), "照片.JPEG")).safe_name == "照片.JPEG"
    assert check_upload(upload(image("PNG"), "照片.jpg")).safe_name == "照片.jpg.png"


# -- PDFs with active content ----------------------------------------------------------------------


def test_pdf_with_document_javascript_is_refused() -> None:
    writer = one_page()
    writer.add_open_action(JavaScript("app.alert('hi')"))  # the /Names /JavaScript tree
    error = refused(written(writer))
    assert error.code == "upload_pdf_script"
    assert "脚本" in error.message
    assert {"/JS", "/JavaScript"} <= set(error.details["found"])


def test_pdf_with_an_open_action_running_javascript_is_refused() -> None:
    writer = one_page()
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("this.exportDataObject({cName: 'x'})"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    assert refused(written(writer)).code == "upload_pdf_script"


def test_pdf_with_additional_actions_on_a_page_is_refused() -> None:
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/AA<</O 4 0 R>>>>"
    action = b"<</S/URI/URI(http://example.com/track)>>"
    error = refused(raw_pdf(CATALOG, PAGES, page, action))
    assert error.code == "upload_pdf_script" and error.details["found"] == ["/AA"]


def test_pdf_with_an_embedded_file_is_refused() -> None:
    writer = one_page()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    error = refused(written(writer))
    assert error.code == "upload_pdf_embedded"
    assert "附件" in error.message


def test_pdf_with_a_launch_action_is_refused() -> None:
    catalog = b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>"
    action = b"<</S/Launch/Win<</F(cmd.exe)/P(/c calc)>>>>"
    error = refused(raw_pdf(catalog, PAGES, PAGE, action))
    assert error.code == "upload_pdf_launch"
    assert "外部程序" in error.message


def test_obfuscated_names_are_decoded_before_they_are_judged() -> None:
    """``/J#61vaScript`` is ``/JavaScript`` to every PDF reader."""
    catalog = b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>"
    action = b"<</S/J#61vaScript/J#53(app.alert(1))>>"
    content = raw_pdf(catalog, PAGES, PAGE, action)
    assert raw_names(content) == {"/JavaScript", "/JS"}
    assert refused(content).code == "upload_pdf_script"
    assert refused(raw_pdf(catalog, PAGES, PAGE, b"<</S/L#61unch/F(x.exe)>>")).code == (
        "upload_pdf_launch"
    )
    assert refused(raw_pdf(catalog, PAGES, PAGE, b"<</#45F<</F 5 0 R>>>>", b"<<>>")).code == (
        "upload_pdf_embedded"
    )


def test_names_hidden_in_a_compressed_object_stream_are_found_by_parsing() -> None:
    """The raw scan cannot see into compressed object streams; the parsed objects can."""
    content = pdf_with_object_stream(b"<</S/J#61vaScript/JS(app.alert(1))>>")
    assert raw_names(content) == set()
    assert parsed_names(PdfReader(io.BytesIO(content))) == {"/JavaScript", "/JS"}
    assert refused(content).code == "upload_pdf_script"
    harmless = pdf_with_object_stream(b"<</S/GoTo/D[3 0 R/Fit]>>")
    assert check_upload(upload(harmless)).content_type == "application/pdf"


def test_an_object_no_table_points_to_is_still_scanned() -> None:
    """Some readers recover objects by scanning the file; so does the raw scan."""
    content = raw_pdf(CATALOG, PAGES, PAGE) + b"9 0 obj\n<</S/JavaScript/JS(1)>>\nendobj\n"
    assert parsed_names(PdfReader(io.BytesIO(content))) == set()
    assert refused(content).code == "upload_pdf_script"


def test_the_raw_scan_skips_stream_data() -> None:
    """Binary stream data matches short names like /AA by chance; only objects count."""
    stream = b"q /AA /JS /EF Q"
    content = raw_pdf(
        CATALOG,
        PAGES,
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        b"<</Length %d>>\nstream\n%s\nendstream" % (len(stream), stream),
    )
    assert raw_names(content) == set()
    assert check_upload(upload(content)).content_type == "application/pdf"


def test_a_stream_that_never_ends_hides_nothing() -> None:
    assert outside_streams(b"<</A 1>>stream\nbinary /AA endstream /X stream\r\n/JS") == (
        b"<</A 1>>\n /X stream\r\n/JS"
    )
    assert raw_names(b"stream\n" * 100_000 + b"/JavaScript") == {"/JavaScript"}


def test_encrypted_pdf_is_refused() -> None:
    writer = one_page()
    writer.encrypt(user_password="", owner_password="owner-only")  # opens without a password
    error = refused(written(writer))
    assert error.code == "upload_pdf_encrypted"
    assert "加密" in error.message


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        raw_pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"),
    ],
    ids=["html-behind-a-pdf-header", "garbage", "no-pages"],
)
def test_pdf_that_does_not_parse_is_refused(content: bytes) -> None:
    error = refused(content)
    assert error.code == "upload_pdf_invalid"
    assert "无法读取" in error.message


# -- not what the name says ----------------------------------------------------------------------


def test_zip_renamed_to_pdf_is_refused_as_an_archive() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * 1_000_000)  # a zip bomb is refused the same way
    error = refused(out.getvalue(), "材料.pdf")
    assert error.code == "upload_archive"
    assert "不接受压缩包" in error.message


@pytest.mark.parametrize(
    "content",
    [
        gzip.compress(b"%PDF-1.4"),
        b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32,
        b"7z\xbc\xaf\x27\x1c" + b"\x00" * 32,
        b"PK\x05\x06" + b"\x00" * 18,
    ],
    ids=["gzip", "rar", "7z", "empty-zip"],
)
def test_other_archives_are_refused(content: bytes) -> None:
    assert refused(content, "扫描件.jpg").code == "upload_archive"


def test_html_named_pdf_is_refused() -> None:
    error = refused(b"<!DOCTYPE html><html><script>alert(document.cookie)</script>", "合同.pdf")
    assert error.code == "upload_type"
    assert "只接受 PDF、JPG、PNG" in error.message


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"garbage, not chunks" * 10, "照片.png"),
        (b"\xff\xd8\xff\xe0" + b"garbage, not a JPEG" * 10, "照片.jpg"),
        (image("PNG")[:60], "截断.png"),
    ],
    ids=["png-header-and-garbage", "jpeg-header-and-garbage", "truncated-png"],
)
def test_images_that_are_not_really_images_are_refused(content: bytes, name: str) -> None:
    error = refused(content, name)
    assert error.code == "upload_image_invalid"
    assert "不是真正的" in error.message


def test_decompression_bomb_png_is_refused() -> None:
    bomb = image("PNG", (20_000, 1_000), "1")  # 20 million pixels in a few kilobytes
    assert len(bomb) < 20_000
    error = refused(bomb, "照片.png")
    assert error.code == "upload_image_too_large"
    assert "20000×1000" in error.message and "10000" in error.message


def test_png_declaring_ten_billion_pixels_is_refused_before_decoding() -> None:
    error = refused(png_declaring(100_000, 100_000), "照片.png")
    assert error.code == "upload_image_too_large"


# -- names and storage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\桌面\\身份证.jpg", "身份证.jpg"),
        ("a\x00b\r\n\t.pdf", "ab.pdf"),
        ("合同\u202egpj.pdf", "合同gpj.pdf"),  # right-to-left override shows "fdp.jpg"
        ('x<y>:"z|?*.pdf', "xyz.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("...", "file"),
        ("", "file"),
        ("长" * 120 + ".pdf", "长" * 96 + ".pdf"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_traversal_name_is_shown_but_the_file_is_stored_under_a_random_name(
    world: World, settings: Any, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    case_material_upload(
        case=case,
        material_id=row.pk,
        upload=upload(written(one_page()), "../../etc/passwd.pdf"),
        actor=world.user("qiye"),
    )
    row.refresh_from_db()
    assert row.original_filename == "passwd.pdf"
    assert re.fullmatch(r"case-materials/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", row.file.name or "")
    stored = Path(row.file.path).resolve()
    assert stored.is_relative_to(media.resolve()) and stored.is_file()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [stored]


def test_refused_upload_leaves_the_material_missing(world: World) -> None:
    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    writer = one_page()
    writer.add_attachment("x.txt", b"x")
    with pytest.raises(ValidationFailed) as info:
        case_material_upload(
            case=case,
            material_id=row.pk,
            upload=upload(written(writer)),
            actor=world.user("qiye"),
        )
    assert info.value.code == "upload_pdf_embedded"
    assert info.value.field == f"material_{row.pk}"
    row.refresh_from_db()
    assert row.status == CaseMaterial.Status.MISSING and not row.file


def test_media_files_are_not_served_by_any_url(
    world: World, settings: Any, tmp_path: Path, client: Client
) -> None:
    """Material files are only ever sent by views that check access (``material_file``)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    case_material_upload(
        case=case,
        material_id=row.pk,
        upload=upload(written(one_page())),
        actor=world.user("qiye"),
    )
    row.refresh_from_db()
    url = settings.MEDIA_URL + row.file.name
    with pytest.raises(Resolver404):
        resolve(url)
    client.force_login(world.user("qiye"))
    assert client.get(url).status_code == 404


def test_checked_upload_shape() -> None:
    """What services store: content type and extension by content, sizes in bytes."""
    content = written(one_page())
    checked = check_upload(upload(content, "a.pdf"))
    assert isinstance(checked, CheckedUpload) and checked.size == len(content)

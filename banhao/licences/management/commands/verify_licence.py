"""``manage.py verify_licence FILE.pdf``: check a licence file offline (ADR 0008).

Checks the seal block, that the file is unchanged since sealing, the SM2 signature and the
identifier's check character. The trusted seal keys are ``--public-key KEY_ID=HEX`` (repeat
for several) and/or ``--keys-file`` (lines ``KEY_ID HEX``, as ``manage.py seal_keys --export``
writes them); without either, the keys of this installation's database. Exit status 0 only
when the file is valid; 1 when it is not; 2 when it cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.licences.selectors import mask_holder, trusted_seal_keys
from banhao.licences.verification import check_file
from banhao.shared import clock


def _parse_keys(options: dict[str, Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for item in options.get("public_key") or []:
        key_id, sep, value = item.partition("=")
        if not sep:
            raise CommandError("--public-key 应为 密钥标识=公钥十六进制")
        keys[key_id.strip()] = value.strip()
    if options.get("keys_file"):
        for raw in Path(options["keys_file"]).read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                key_id, _, value = line.partition(" ")
                keys[key_id.strip()] = value.strip()
    return keys


class Command(BaseCommand):
    help = "离线验证电子证照文件（签章、文件完整性、证照标识校验位）；有效时退出码为 0"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="证照 PDF 文件")
        parser.add_argument(
            "--public-key", action="append", help="受信任的印章公钥：密钥标识=十六进制（可重复）"
        )
        parser.add_argument("--keys-file", help="受信任的印章公钥列表文件（每行：密钥标识 公钥）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            self.stderr.write(f"无法读取文件：{exc}")
            raise SystemExit(2) from exc
        keys = _parse_keys(options)
        if not keys:
            keys = trusted_seal_keys()
        checked = check_file(content, keys)
        if not checked.readable:
            self.stdout.write(f"无效：{checked.problem}")
            raise SystemExit(1)
        result = checked.verdict(today=clock.today())
        holder, _ = mask_holder(checked.data)
        self.stdout.write(f"证照标识：{checked.identifier}")
        self.stdout.write(f"证照名称：{checked.data.get('name', '')}")
        self.stdout.write(f"持证主体：{holder}")
        self.stdout.write(f"颁发机构：{checked.data.get('issuer', '')}")
        valid_to = checked.data.get("valid_to") or "长期"
        self.stdout.write(f"有效期：{checked.data.get('valid_from', '')} 至 {valid_to}")
        self.stdout.write(f"印章密钥：{checked.key_id}")
        for label, ok in (
            ("校验位", checked.check_ok),
            ("印章公钥受信任", checked.key_trusted),
            ("签名", checked.signature_ok),
            ("文件完整", checked.document_ok),
        ):
            self.stdout.write(f"  {label}：{'通过' if ok else '未通过'}")
        self.stdout.write("注：证照状态（暂扣、撤销、注销等）须在线查验，离线文件不含最新状态。")
        if result.is_valid:
            self.stdout.write(self.style.SUCCESS("有效：签章验证通过"))
            return
        self.stdout.write(f"无效：{'；'.join(result.reasons())}")
        raise SystemExit(1)

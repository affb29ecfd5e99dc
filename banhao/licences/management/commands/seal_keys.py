"""``manage.py seal_keys``: list the approval seal's keys, ``--rotate`` to a new key pair,
``--export FILE`` the public keys for offline verification (``verify_licence --keys-file``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from banhao.licences.selectors import trusted_seal_keys
from banhao.licences.services import seal_key_create


class Command(BaseCommand):
    help = "印章密钥：列出、轮换（--rotate）、导出公钥（--export 文件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rotate", action="store_true", help="生成新的印章密钥并停用旧密钥")
        parser.add_argument("--export", help="把全部公钥写入文件（供离线验证）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"]:
            key = seal_key_create(actor=None)
            self.stdout.write(self.style.SUCCESS(f"已启用新印章密钥 {key.key_id}"))
        keys = trusted_seal_keys()
        if options["export"]:
            lines = ["# 办好 Banhao 行政审批专用章公钥：密钥标识 公钥(x||y 十六进制)"]
            lines += [f"{key_id} {public}" for key_id, public in sorted(keys.items())]
            Path(options["export"]).write_text("\n".join(lines) + "\n", encoding="utf-8")
            self.stdout.write(f"已导出 {len(keys)} 个公钥到 {options['export']}")
        for key_id, public in sorted(keys.items()):
            self.stdout.write(f"{key_id}  {public[:16]}…")

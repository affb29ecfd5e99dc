"""``manage.py rotate_keys [--batch-size N] [--reindex]``: re-encrypt personal data with the
active key (ADR 0006)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from banhao.audit.services import audit_record
from banhao.privacy import crypto
from banhao.privacy.rotation import DEFAULT_BATCH_SIZE, count_stale, rotate


class Command(BaseCommand):
    help = (
        "用当前数据密钥（BANHAO_DATA_KEY_ACTIVE）重新加密所有以旧密钥加密的个人信息字段；"
        "每批一个事务，可重复运行。旧密钥在完成前须仍配置在 BANHAO_DATA_KEYS 中。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"每个事务处理的行数（默认 {DEFAULT_BATCH_SIZE}）",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="同时用当前 BANHAO_INDEX_KEY 重算全部证件散列码等盲索引（更换索引密钥后使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        reindex: bool = options["reindex"]
        if batch_size < 1:
            raise CommandError("--batch-size 必须大于 0")
        active = crypto.keyring().active_id
        total = count_stale(reindex=reindex)
        bar = tqdm(total=total, file=sys.stderr, unit="行", desc="重新加密", leave=False)
        try:
            results = rotate(batch_size=batch_size, reindex=reindex, progress=bar.update)
        except crypto.CryptoError as exc:
            raise CommandError(f"无法解密已有数据：{exc}") from exc
        finally:
            bar.close()
        rows = 0
        for result in results:
            rows += result.rows
            self.stdout.write(f"{result.model}：{result.rows} 行")
        suffix = "并重算盲索引" if reindex else ""
        self.stdout.write(f"共 {rows} 行已用密钥 {active} 重新加密{suffix}")
        if rows:
            audit_record(
                actor=None,
                action="privacy.rotate_keys",
                object_type="privacy.key",
                object_id=active,
                details={"rows": rows, "reindex": reindex},
            )

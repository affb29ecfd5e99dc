"""``manage.py create_api_token USERNAME --name NAME [--days N]``.

The token goes alone to standard output (``TOKEN=$(manage.py create_api_token …)``); the
explanation goes to standard error. It is shown this once: only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banhao.accounts.models import User
from banhao.accounts.tokens import MAX_DAYS_VALID, api_token_create
from banhao.shared.errors import BanhaoError


class Command(BaseCommand):
    help = "为用户创建 API 访问令牌（令牌只显示这一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", required=True, help="令牌名称（用途），例如 demo")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"有效天数（1–{MAX_DAYS_VALID}）；不填则长期有效，直到吊销",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"找不到用户：{options['username']}")
        try:
            token, plaintext = api_token_create(
                user=user, name=options["name"], actor=None, days_valid=options["days"]
            )
        except BanhaoError as exc:
            raise CommandError(exc.message) from exc
        until = (
            f"有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
            if token.expires_at
            else "长期有效"
        )
        self.stderr.write(
            f"已为 {user.username} 创建令牌「{token.name}」（前缀 {token.key_prefix}，{until}）。"
            "令牌只显示这一次，请妥善保存："
        )
        self.stdout.write(plaintext)

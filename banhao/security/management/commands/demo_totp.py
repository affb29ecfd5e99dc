"""``manage.py demo_totp USERNAME``: the code a staff account's authenticator app would show
now — for trying the demo without a phone. Refused when BANHAO_ENV=production.

The user must have started enrolment (opened the 绑定动态口令 page) or have a device. The
code is printed alone on standard output.
"""

from __future__ import annotations

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.security.models import MfaDevice
from banhao.shared import clock


class Command(BaseCommand):
    help = "显示演示账号当前的动态口令（仅限非生产环境，供没有手机验证器时体验）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("生产环境不提供此命令：请使用手机验证器应用")
        device = MfaDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError("该账号还没有动态口令：请先用密码登录，打开“绑定动态口令”页面")
        generator = pyotp.TOTP(device.secret)
        now = clock.now()
        # The next time step's code if this one was used (a code is accepted once).
        offset = 1 if generator.timecode(now) <= device.last_timecode else 0
        self.stdout.write(generator.at(now, counter_offset=offset))

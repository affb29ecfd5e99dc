"""The calendar table the bureau can edit.

* ``HolidayNotice``: one State Council 放假通知 per year (confirmed when it cites a notice).
* ``OfficialDay``: the notice's exceptions: days off and 调休 make-up working days.
* ``LocalClosure``: a service centre's extra closures (e.g. 闭厅 for relocation).
* ``CalendarRevision``: a single counter bumped by every write, so each process can keep a
  built ``WorkCalendar`` in memory and rebuild it only after a change.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    is_confirmed = models.BooleanField(
        _("已发布通知"),
        default=False,
        help_text=_("国务院办公厅放假通知已发布；未发布的年度按暂定规则计算"),
    )
    papers = models.JSONField(_("通知链接"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("年度放假通知")
        verbose_name_plural = _("年度放假通知")
        ordering = ["year"]

    def __str__(self) -> str:
        state = "" if self.is_confirmed else "（暂定）"
        return f"{self.year}年{state}"


class OfficialDay(models.Model):
    notice = models.ForeignKey(
        HolidayNotice, on_delete=models.CASCADE, related_name="days", verbose_name=_("放假通知")
    )
    day = models.DateField(_("日期"), unique=True)
    is_day_off = models.BooleanField(_("放假"), help_text=_("否 = 调休上班"))
    name = models.CharField(_("节日"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name} {'休' if self.is_day_off else '班'}"


class LocalClosure(models.Model):
    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("政务服务中心"),
    )
    day = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("本地闭厅日")
        verbose_name_plural = _("本地闭厅日")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_centre", "day"], name="workcalendar_closure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_centre} {self.day} {self.reason}"


class CalendarRevision(models.Model):
    """Singleton row (pk=1) counting calendar changes."""

    revision = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return str(self.revision)

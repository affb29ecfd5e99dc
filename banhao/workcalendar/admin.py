"""Calendar administration: load a year's notice from a file; add local closures.

Both go through the services (audit, revision bump); rows are never edited in place.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from banhao.accounts.models import User
from banhao.shared.errors import BanhaoError
from banhao.workcalendar.models import HolidayNotice, LocalClosure, OfficialDay
from banhao.workcalendar.services import (
    holiday_notice_load,
    local_closure_add,
    local_closure_remove,
)

MAX_NOTICE_BYTES = 256 * 1024


class NoticeUploadForm(forms.Form):
    file = forms.FileField(
        label="放假通知文件",
        help_text=(
            "holiday-cn 格式的 JSON 文件（{year}.json）："
            "year、papers（通知链接）、days（日期、名称、是否放假）"
        ),
    )

    def clean_file(self) -> tuple[str, dict[str, Any]]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_NOTICE_BYTES:
            raise forms.ValidationError("文件过大（上限 256 KB）")
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(f"不是有效的 UTF-8 JSON 文件：{exc}") from exc
        if not isinstance(document, dict):
            raise forms.ValidationError("文件格式错误：顶层必须是对象")
        return str(upload.name), document


class OfficialDayInline(admin.TabularInline[OfficialDay, HolidayNotice]):
    model = OfficialDay
    fields = ("day", "name", "is_day_off")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin[HolidayNotice]):
    list_display = ("year", "is_confirmed", "day_count", "source", "loaded_at")
    readonly_fields = ("year", "is_confirmed", "papers", "source", "loaded_at")
    inlines = (OfficialDayInline,)
    change_list_template = "admin/workcalendar/holidaynotice/change_list.html"

    @admin.display(description="条目数")
    def day_count(self, obj: HolidayNotice) -> int:
        return obj.days.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="workcalendar_holidaynotice_upload",
            ),
        ]
        return custom + super().get_urls()

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request) or not request.user.has_perm(
            "workcalendar.change_holidaynotice"
        ):
            return HttpResponseRedirect(reverse("admin:index"))
        form = NoticeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            name, document = form.cleaned_data["file"]
            actor = request.user if isinstance(request.user, User) else None
            try:
                result = holiday_notice_load(document=document, actor=actor, source=name)
            except BanhaoError as exc:
                form.add_error("file", exc.message)
            else:
                state = "已发布" if result.is_confirmed else "暂定（通知未发布）"
                self.message_user(
                    request,
                    f"{result.year} 年通知已导入（{state}）：新增 {result.created}，"
                    f"更新 {result.updated}，删除 {result.removed}，未变化 {result.unchanged}",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:workcalendar_holidaynotice_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "导入年度放假通知",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/workcalendar/holidaynotice/upload.html", context)


@admin.register(LocalClosure)
class LocalClosureAdmin(admin.ModelAdmin[LocalClosure]):
    list_display = ("day", "service_centre", "reason")
    list_filter = ("service_centre",)
    date_hierarchy = "day"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: LocalClosure, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        try:
            created = local_closure_add(
                service_centre=obj.service_centre, day=obj.day, reason=obj.reason, actor=actor
            )
        except BanhaoError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: LocalClosure) -> None:
        actor = request.user if isinstance(request.user, User) else None
        local_closure_remove(closure=obj, actor=actor)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for closure in queryset:
            self.delete_model(request, closure)

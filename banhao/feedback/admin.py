"""好差评 administration: the policy (评价期限, 回访/整改期限, 统计口径, 星帮办 weights), edited by
the 系统管理员. The form validates; the change goes through ``feedback_policy_update`` (audit),
which keeps the policy one row (pk = 1); until it is saved the defaults apply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from banhao.accounts.models import User
from banhao.feedback.models import FeedbackPolicy
from banhao.feedback.services import POLICY_FIELDS, feedback_policy_update
from banhao_core.ratings import RankingWeights, RatingError


class FeedbackPolicyForm(forms.ModelForm[FeedbackPolicy]):
    class Meta:
        model = FeedbackPolicy
        fields = POLICY_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            RankingWeights(
                data.get("weight_satisfaction", 0),
                data.get("weight_on_time", 0),
                data.get("weight_volume", 0),
                data.get("weight_forum", 0),
            )
        except RatingError as exc:
            raise forms.ValidationError(exc.message) from exc
        for name in ("callback_days", "rectification_days", "rating_window_days"):
            if data.get(name) is not None and data[name] < 1:
                self.add_error(name, "至少 1 个工作日")
        return data


@admin.register(FeedbackPolicy)
class FeedbackPolicyAdmin(admin.ModelAdmin[FeedbackPolicy]):
    form = FeedbackPolicyForm
    list_display = (
        "__str__",
        "rating_window_days",
        "callback_days",
        "rectification_days",
        "updated_at",
    )

    # No ``has_add_permission`` override: asking the database whether the row exists would cost
    # a query on every admin page (the sidebar asks every model). The service keeps the policy
    # a single row (pk = 1): "adding" a second one changes the first.

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: FeedbackPolicy, form: Any, change: bool
    ) -> None:
        actor = request.user if isinstance(request.user, User) else None
        saved = feedback_policy_update(
            actor=actor, **{name: form.cleaned_data[name] for name in POLICY_FIELDS}
        )
        obj.pk = saved.pk

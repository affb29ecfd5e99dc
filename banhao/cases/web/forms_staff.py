"""Forms of the staff pages (窗口登记, the case action panel, 部门审查).

The forms only check shapes (required, lengths, numbers); every rule of the procedure —
identifier check digits, 办理情形 answers, guards of the state table — is decided by
``banhao.cases.services`` and its Chinese message shown next to the form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from banhao.cases.models import ApplicantKind
from banhao.cases.services import ApplicantData, ReceivedMaterial
from banhao.catalog.models import Material, Situation
from banhao_core.workflow import DeliveryMethod, NotAcceptedGround, SpecialProcedureKind

MAX_TEXT = 2000
MAX_CORRECTION_ITEMS = 50
MAX_COPIES = 99


def _required(label: Any) -> dict[str, Any]:
    return {"required": format_lazy("{}{}", _("请填写"), label)}


def _textarea(rows: int = 3, placeholder: Any = "") -> forms.Textarea:
    attrs: dict[str, Any] = {"rows": rows, "maxlength": MAX_TEXT}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


# -- 窗口登记 --------------------------------------------------------------------------------


def situation_field_name(situation: Situation) -> str:
    return f"situation_{situation.pk}"


def material_field_name(material: Material, suffix: str = "") -> str:
    return f"material_{material.pk}{'_' + suffix if suffix else ''}"


class RegisterForm(forms.Form):
    """Applicant data, the item's 办理情形 and the materials received at the window.

    Fields ``situation_<id>`` (one per situation) and ``material_<id>`` (received?) with
    ``material_<id>_originals`` / ``_copies`` (one set per material of the version) are added
    for the chosen item version. Field names match the ``field`` of the services' errors.
    """

    applicant_kind = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.COMPANY,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择申请人类型"), "invalid_choice": _("申请人类型无效")},
    )
    applicant_name = forms.CharField(
        label=_("申请人名称"),
        max_length=200,
        help_text=_("自然人填姓名，法人及其他组织填单位全称"),
        error_messages=_required(_("申请人名称")),
    )
    applicant_id_number = forms.CharField(
        label=_("身份证号/统一社会信用代码"),
        max_length=18,
        min_length=18,
        help_text=_("自然人填 18 位居民身份证号，法人填 18 位统一社会信用代码（校验位将核验）"),
        error_messages={
            **_required(_("证件号码")),
            "min_length": _("证件号码应为 18 位"),
            "max_length": _("证件号码应为 18 位"),
        },
    )
    contact_name = forms.CharField(
        label=_("联系人"), max_length=100, error_messages=_required(_("联系人姓名"))
    )
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, error_messages=_required(_("联系电话"))
    )
    address = forms.CharField(label=_("通讯地址"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        situations: Sequence[Situation],
        materials: Sequence[Material],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.situations = list(situations)
        self.all_materials = list(materials)
        for situation in self.situations:
            self.fields[situation_field_name(situation)] = forms.ChoiceField(
                label=situation.question,
                choices=[(str(o.pk), o.label) for o in situation.options.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": str(_("请回答办理情形：%(q)s")) % {"q": situation.question},
                    "invalid_choice": str(_("办理情形「%(q)s」的选项无效"))
                    % {"q": situation.question},
                },
            )
        for material in self.all_materials:
            self.fields[material_field_name(material)] = forms.BooleanField(
                label=_("已收取"), required=False
            )
            for suffix, label, initial in (
                ("originals", _("原件份数"), material.original_copies),
                ("copies", _("复印件份数"), material.photocopy_copies),
            ):
                self.fields[material_field_name(material, suffix)] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=MAX_COPIES,
                    initial=initial,
                    widget=forms.NumberInput(
                        attrs={
                            "min": 0,
                            "max": MAX_COPIES,
                            "class": "count",
                            "aria-label": f"{material.name} {label}",
                        }
                    ),
                    error_messages={
                        "invalid": _("份数须为整数"),
                        "min_value": _("份数不能为负数"),
                        "max_value": _("份数不能超过 99"),
                    },
                )

    def situation_fields(self) -> list[forms.BoundField]:
        return [self[situation_field_name(s)] for s in self.situations]

    def answers(self) -> dict[str, str]:
        """The 办理情形 answers given so far (valid options only), by situation id."""
        answers: dict[str, str] = {}
        source = self.data if self.is_bound else self.initial
        for situation in self.situations:
            value = source.get(situation_field_name(situation), "")
            if value and value in {str(o.pk) for o in situation.options.all()}:
                answers[str(situation.pk)] = str(value)
        return answers

    def applicant(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_number=data["applicant_id_number"].strip().upper(),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            address=data.get("address") or "",
        )

    def received(self, applicable: Iterable[Material]) -> list[ReceivedMaterial]:
        """What was checked off, for the materials that apply; adds an error when a ticked
        material has no count."""
        received: list[ReceivedMaterial] = []
        for material in applicable:
            if not self.cleaned_data.get(material_field_name(material)):
                continue
            originals = self.cleaned_data.get(material_field_name(material, "originals")) or 0
            copies = self.cleaned_data.get(material_field_name(material, "copies")) or 0
            if originals + copies == 0:
                self.add_error(
                    material_field_name(material),
                    str(_("「%(name)s」已勾选收取，请填写原件或复印件份数"))
                    % {"name": material.name},
                )
                continue
            received.append(
                ReceivedMaterial(material_id=material.pk, originals=originals, copies=copies)
            )
        return received


# -- the action panel ----------------------------------------------------------------------


class ActionForm(forms.Form):
    """Every action carries the ``row_version`` the page was rendered with."""

    row_version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面数据不完整，请刷新后重试"),
            "invalid": _("页面数据不完整，请刷新后重试"),
            "min_value": _("页面数据不完整，请刷新后重试"),
        },
    )


class ReceiveForm(ActionForm):
    pass


class CloseForm(ActionForm):
    pass


class ResubmitForm(ActionForm):
    pass


class CorrectionForm(ActionForm):
    """补正告知: free lines plus quick picks of the case's material names."""

    picks = forms.MultipleChoiceField(
        label=_("快速选择本件材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    items = forms.CharField(
        label=_("需补正的材料和内容（每行一项）"),
        required=False,
        widget=_textarea(5, _("例如：施工图设计文件审查合格书（缺签章页）")),
    )

    def __init__(self, *args: Any, material_names: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["picks"].choices = [(name, name) for name in material_names]  # type: ignore[attr-defined]

    def listed_items(self) -> list[str]:
        """Picked names first, then the typed lines, without blanks or repeats."""
        lines = [line.strip() for line in (self.cleaned_data.get("items") or "").splitlines()]
        seen: list[str] = []
        for entry in [*self.cleaned_data.get("picks", []), *lines]:
            if entry and entry not in seen:
                seen.append(entry[:200])
        return seen[:MAX_CORRECTION_ITEMS]


class RefuseAcceptanceForm(ActionForm):
    ground = forms.ChoiceField(
        label=_("不予受理事由"),
        required=False,
        choices=[("", _("请选择…")), *[(g.value, g.label) for g in NotAcceptedGround]],
    )
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=MAX_TEXT, widget=_textarea(3)
    )
    referral_agency = forms.CharField(
        label=_("应向哪个行政机关申请（不属本机关职权时必填）"), required=False, max_length=200
    )


class AcceptForm(ActionForm):
    tolerant = forms.BooleanField(label=_("容缺受理"), required=False)
    has_commitment_letter = forms.BooleanField(
        label=_("申请人已签署《容缺受理承诺书》"), required=False
    )


class SpecialStartForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("特别程序种类"),
        required=False,
        choices=[("", _("请选择…")), *[(k.value, k.label) for k in SpecialProcedureKind]],
    )
    reason = forms.CharField(
        label=_("启动理由或依据"), required=False, max_length=MAX_TEXT, widget=_textarea(3)
    )
    planned_working_days = forms.IntegerField(
        label=_("预计所需工作日"),
        required=False,
        min_value=1,
        max_value=365,
        error_messages={
            "invalid": _("预计所需工作日须为整数"),
            "min_value": _("预计所需工作日须大于 0"),
            "max_value": _("预计所需工作日不能超过 365"),
        },
    )


class SpecialEndForm(ActionForm):
    result = forms.CharField(
        label=_("特别程序结果"), required=False, max_length=MAX_TEXT, widget=_textarea(3)
    )


class ExtendForm(ActionForm):
    working_days = forms.IntegerField(
        label=_("延长工作日"),
        required=False,
        min_value=1,
        max_value=60,
        error_messages={
            "invalid": _("延长工作日须为整数"),
            "min_value": _("延长工作日须大于 0"),
            "max_value": _("延长工作日不能超过 60"),
        },
    )
    reason = forms.CharField(
        label=_("延长理由（将告知申请人）"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
    )


class DecideApproveForm(ActionForm):
    reason = forms.CharField(
        label=_("决定意见"), required=False, max_length=MAX_TEXT, widget=_textarea(2)
    )


class DecideRejectForm(ActionForm):
    reason = forms.CharField(
        label=_("不予许可的理由"), required=False, max_length=MAX_TEXT, widget=_textarea(3)
    )
    rights_notified = forms.BooleanField(
        label=_("已告知申请人依法申请行政复议或者提起行政诉讼的权利"),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )


class DeliverForm(ActionForm):
    method = forms.ChoiceField(
        label=_("送达方式"),
        required=False,
        choices=[(m.value, m.label) for m in DeliveryMethod],
        widget=forms.RadioSelect,
    )
    tracking_number = forms.CharField(
        label=_("物流单号（邮寄送达必填）"), required=False, max_length=50
    )


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("撤回理由（依申请人书面申请）"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(2),
    )


# -- 部门审查 --------------------------------------------------------------------------------


class ReviewDecisionForm(ActionForm):
    """同意 / 不同意 come from the two submit buttons (``name="decision"``)."""

    decision = forms.ChoiceField(
        choices=[("approve", _("同意")), ("reject", _("不同意"))],
        error_messages={"required": _("请选择同意或不同意"), "invalid_choice": _("审查结论无效")},
    )
    opinion = forms.CharField(
        label=_("审查意见"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4, _("不同意的，须写明理由和依据")),
    )

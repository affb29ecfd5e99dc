"""Code lists of the service catalogue (事项目录).

Where GB/T 39046-2020 Appendix A gives codes, the stored value *is* the national code
(domain.md §2.2); where the standard gives no code (通办范围, 材料必要性, 来源渠道 …) the value
is a stable English slug. Labels are the Chinese terms of the standard.

This module has no models so that the pure validators can use the same enums.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The label of a time limit is the core's ``TimeLimit.label`` (``banhao.catalog.snapshots``);
# re-exported for callers outside the catalogue that still import it from here.
from banhao.catalog.snapshots import time_limit_label as time_limit_label  # noqa: PLC0414


class CodeSystem(models.TextChoices):
    """Which authority assigned an item code. Codes are opaque strings (domain.md §2.3)."""

    NATIONAL = "national", _("国家")  # 国家政务服务平台 基本编码/实施编码
    PROVINCIAL = "provincial", _("省级")  # a provincial platform's 实施编码 (e.g. 四川政务服务网)
    LOCAL = "local", _("地方")  # the bureau's own numbering


class ItemType(models.TextChoices):
    """A.1 事项类型代码 (n2). Only 依申请 types enter the approval case flow."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")  # 执法类, listed for completeness
    ENFORCEMENT = "03", _("行政强制")  # 执法类
    LEVY = "04", _("行政征收")  # 执法类
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")  # 执法类
    CONFIRMATION = "07", _("行政确认")
    AWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")  # A.1 "其他类别事项"
    PUBLIC_SERVICE = "20", _("公共服务")


#: Other names seen for A.1 types in source lists, mapped to the national code.
ITEM_TYPE_ALIASES: dict[str, str] = {
    "其他类别事项": ItemType.OTHER_POWER,
    "其他类别": ItemType.OTHER_POWER,
    "其他行政权力事项": ItemType.OTHER_POWER,
    "公共服务事项": ItemType.PUBLIC_SERVICE,
}


class UseLevel(models.TextChoices):
    """A.2 行使层级代码 (n1)."""

    NATIONAL = "1", _("国家级")
    PROVINCIAL = "2", _("省级")
    CITY = "3", _("市级")
    COUNTY = "4", _("县级")
    TOWNSHIP = "5", _("镇（乡、街道）级")
    VILLAGE = "6", _("村（社区）级")
    TIERED = "7", _("分级管理")


class BodyNature(models.TextChoices):
    """A.3 实施主体性质代码 (n1)."""

    STATUTORY = "1", _("法定机关")
    AUTHORISED = "2", _("授权组织")
    ENTRUSTED = "3", _("受委托组织")
    OTHER = "9", _("其他")


class ServiceObject(models.TextChoices):
    """A.4 服务对象代码 (multi-valued)."""

    NATURAL_PERSON = "1", _("自然人")
    ENTERPRISE = "2", _("企业法人")
    INSTITUTION = "3", _("事业法人")
    SOCIAL_ORGANISATION = "4", _("社会组织法人")
    GOVERNMENT = "5", _("行政机关")
    OTHER_ORGANISATION = "6", _("其他组织")


class HandlingForm(models.TextChoices):
    """A.5 办理形式代码 (multi-valued)."""

    WINDOW = "1", _("窗口办理")
    ONLINE_PC = "2", _("网上办理（电脑端）")
    ONLINE_MOBILE = "3", _("网上办理（移动端）")
    EXPRESS = "4", _("快递申请")
    OTHER = "9", _("其他")


class CaseKind(models.TextChoices):
    """A.6 办件类型代码. (The 好差评 interface uses the same values; one Zhejiang interface
    reverses 1 and 2 — map such codes at the integration boundary, never here.)"""

    IMMEDIATE = "1", _("即办件")
    PROMISED = "2", _("承诺件")
    OTHER = "9", _("其他")


class LimitUnit(models.TextChoices):
    """Unit of a 法定/承诺办结时限. Same values as ``banhao_core.time_limits.LimitUnit``.
    即办 is stored as amount 0 with this unit (domain.md §2.7)."""

    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    IMMEDIATE = "immediate", _("即办")


class OnlineDepth(models.TextChoices):
    """网上办理深度 (domain.md §2.6)."""

    LEVEL_1 = "1", _("Ⅰ级（信息公开）")
    LEVEL_2 = "2", _("Ⅱ级（表格下载、预约）")
    LEVEL_3 = "3", _("Ⅲ级（网上申请、网上预审）")
    LEVEL_4 = "4", _("Ⅳ级（全程网办）")


class HandleArea(models.TextChoices):
    """通办范围. GB/T 39046 names the values but gives no numeric codes."""

    NATIONWIDE = "nationwide", _("全国通办")
    CROSS_PROVINCE = "cross_province", _("跨省通办")
    CROSS_CITY = "cross_city", _("跨市通办")
    CROSS_COUNTY = "cross_county", _("跨县通办")
    NONE = "none", _("不通办")


class ResultType(models.TextChoices):
    """审批结果类型."""

    CERTIFICATE = "certificate", _("出证办结")
    DOCUMENT = "document", _("出文办结")
    APPROVAL = "approval", _("审批办结")
    OTHER = "other", _("其他")


class ReviewMode(models.TextChoices):
    """How the departments of a review route decide (并联审批)."""

    COUNTERSIGN = "countersign", _("会签（并联，全部同意）")
    ANY_ONE = "any_one", _("或签（任一部门同意）")
    SEQUENTIAL = "sequential", _("依次审查")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")  # the newest published version of the item
    RETIRED = "retired", _("已停用")  # superseded or withdrawn; still binds cases opened on it


class MaterialType(models.TextChoices):
    CERTIFICATE = "certificate", _("证件证书证明")
    FORM = "form", _("申请表格文书")
    CONTRACT = "contract", _("合同协议")
    DRAWING = "drawing", _("图纸及技术资料")
    OTHER = "other", _("其他")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    BOTH = "both", _("纸质+电子")


class MaterialNecessity(models.TextChoices):
    """材料必要性 as a material-level policy (domain.md §2.5, §5)."""

    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")
    DEFERRABLE = "deferrable", _("容缺后补")  # accept first, supplement later (§5)
    COMMITMENT = "commitment", _("告知承诺免交")  # replaced by a commitment (国办发〔2020〕42号)
    SHARED = "shared", _("信息共享免交")  # fetched by data sharing (国务院令第716号 Art.7)


class MaterialSource(models.TextChoices):
    """来源渠道."""

    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    E_LICENCE = "e_licence", _("电子证照库")
    ONLINE_FORM = "online_form", _("在线填报")
    OTHER = "other", _("其他")


class ThemeAudience(models.TextChoices):
    PERSON = "person", _("面向自然人")
    LEGAL_PERSON = "legal_person", _("面向法人")


def label_of(choices: type[models.TextChoices], value: str) -> str:
    """Chinese label of ``value`` or ``""`` when unset/unknown."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value

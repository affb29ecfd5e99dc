"""Curated demo catalogue for 邹平市 (area code 371681): nine items with every element filled.

Codes are local (``371681-XK-000n``, code system "local") and ``data_source`` is ``demo``.
Legal time limits and bases cite the regulation in force as far as the editors know it;
phone numbers are placeholders. Every item passes the validators (no error-level problem).

``demo_catalogue_load`` is idempotent: an item whose code already exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from banhao.accounts.models import User
from banhao.catalog.choices import (
    BodyNature,
    CaseKind,
    CodeSystem,
    HandleArea,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ReviewMode,
    ServiceObject,
    ThemeAudience,
    UseLevel,
)
from banhao.catalog.models import ServiceItem
from banhao.catalog.services import (
    item_create,
    item_update,
    item_version_publish,
    item_version_set_content,
    theme_get_or_create,
)
from banhao.catalog.specs import (
    FaqSpec,
    FeeSpec,
    MaterialSpec,
    OptionSpec,
    ReviewStepSpec,
    SituationSpec,
    VersionContent,
)
from banhao.org.demo import (
    CENTRE_HOURS,
    EMERGENCY,
    ENFORCEMENT,
    FIRE,
    HEALTH,
    HOUSING,
    INVESTMENT_SECTION,
    MARKET_REGULATION,
    MARKET_SECTION,
    PLANNING,
    SOCIAL_SECTION,
    TOBACCO,
    demo_organisation_load,
)
from banhao.org.models import Department

DEMO_SOURCE = "demo"
ONLINE_URL = "https://zwfw.sd.gov.cn/"
SUPERVISE_PHONE = "12345"
PLACE = "邹平市政务服务中心（黛溪三路）一楼综合受理窗口（A01—A08）"

P = MaterialNecessity
S = MaterialSource
T = MaterialType
F = MaterialForm


@dataclass(frozen=True)
class DemoTheme:
    name: str
    audience: str
    sort_order: int


@dataclass
class DemoItem:
    code: str
    department: str
    themes: tuple[DemoTheme, ...]
    fields: dict[str, Any]
    materials: list[MaterialSpec]
    situations: list[SituationSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    faqs: list[FaqSpec] = field(default_factory=list)
    review_steps: list[ReviewStepSpec] = field(default_factory=list)
    parent: str = ""


OPENING_BUSINESS = DemoTheme("开办企业", ThemeAudience.LEGAL_PERSON, 10)
CONSTRUCTION = DemoTheme("工程建设", ThemeAudience.LEGAL_PERSON, 20)
MARKET_ACCESS = DemoTheme("准营准办", ThemeAudience.LEGAL_PERSON, 30)
SAFETY = DemoTheme("安全生产", ThemeAudience.LEGAL_PERSON, 40)
HEALTH_THEME = DemoTheme("卫生健康", ThemeAudience.LEGAL_PERSON, 50)
CITY_THEME = DemoTheme("市容环境", ThemeAudience.LEGAL_PERSON, 60)
SELF_EMPLOYED = DemoTheme("个体经营", ThemeAudience.PERSON, 70)


def _common(*, consult_phone: str, **overrides: Any) -> dict[str, Any]:
    """Elements shared by the items handled in the 政务服务中心."""
    values: dict[str, Any] = {
        "body_nature": BodyNature.STATUTORY,
        "use_level": UseLevel.COUNTY,
        "is_entry_center": True,
        "handle_area": HandleArea.NONE,
        "place": PLACE,
        "hours": CENTRE_HOURS,
        "consult_phone": consult_phone,
        "supervise_phone": SUPERVISE_PHONE,
        "is_fee": False,
        "fee_basis": "",
        "is_pay_online": False,
        "is_schedule": True,
        "online_url": ONLINE_URL,
        "data_source": DEMO_SOURCE,
        "special_procedure": "无",
        "quantity_limit": "无数量限制",
    }
    values.update(overrides)
    return values


def _licence(name: str, issuer: str) -> MaterialSpec:
    """A government-issued licence fetched from the 电子证照库 (国务院令第716号 Art.7)."""
    return MaterialSpec(
        name=name,
        material_type=T.CERTIFICATE,
        form=F.ELECTRONIC,
        original_copies=0,
        necessity=P.SHARED,
        source_channel=S.E_LICENCE,
        source_explanation="通过电子证照库共享调取，申请人无需提交",
        issuing_body=issuer,
    )


def _agent_materials() -> MaterialSpec:
    return MaterialSpec(
        name="授权委托书及受托人身份证明",
        material_type=T.FORM,
        form=F.BOTH,
        original_copies=1,
        necessity=P.REQUIRED,
        source_channel=S.APPLICANT,
        notes="委托他人代为办理时提交；受托人身份证可通过电子证照核验",
    )


AGENT_SITUATION = SituationSpec(
    question="是否委托他人代为办理？",
    options=(
        OptionSpec("本人（法定代表人）办理"),
        OptionSpec("委托他人办理", ("授权委托书及受托人身份证明",)),
    ),
)

BUSINESS_LICENCE = "营业执照"


def _items() -> list[DemoItem]:
    return [
        # 1 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0001",
            department=INVESTMENT_SECTION,
            themes=(CONSTRUCTION,),
            parent="建筑工程施工许可证核发",
            fields=_common(
                consult_phone="0543-0000101（演示）",
                name="建筑工程施工许可证核发",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国建筑法》第七条、第八条；"
                    "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号，"
                    "2018年、2021年修正）第二条、第四条、第五条"
                ),
                service_objects=[
                    ServiceObject.ENTERPRISE,
                    ServiceObject.INSTITUTION,
                    ServiceObject.SOCIAL_ORGANISATION,
                    ServiceObject.GOVERNMENT,
                ],
                legal_limit_amount=7,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation=(
                    "发证机关应当自收到申请之日起七日内，对符合条件的申请颁发施工许可证"
                    "（《建筑工程施工许可管理办法》第五条；2018年修正前为十五日）"
                ),
                promised_limit_amount=1,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation=(
                    "材料齐全、符合法定形式的，受理后1个工作日内办结；"
                    "住建、自然资源和规划、消防三部门并联审查"
                ),
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "1. 依法应当办理用地批准手续的，已经办理该建筑工程用地批准手续；\n"
                    "2. 依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；\n"
                    "3. 施工场地已经基本具备施工条件，需要征收房屋的，其进度符合施工要求；\n"
                    "4. 已经确定施工企业；\n"
                    "5. 有满足施工需要的资金安排、施工图纸及技术资料，"
                    "施工图设计文件已按规定审查合格；\n"
                    "6. 有保证工程质量和安全的具体措施；\n"
                    "7. 按照规定应当委托监理的工程已委托监理。\n"
                    "工程投资额在30万元以下或者建筑面积在300平方米以下的建筑工程，可以不申请办理施工许可证。"
                ),
                handle_flow=(
                    "申请（网上或窗口）→ 受理（综合受理窗口一次性告知）→ 并联审查"
                    "（住房和城乡建设局、自然资源和规划局、消防救援大队同时会签）→ "
                    "决定（投资建设审批科）→ 发证（电子证照同步生成，纸质证书可邮寄或窗口领取）"
                ),
                special_procedure="无",
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                handle_area=HandleArea.NONE,
                result_type=ResultType.CERTIFICATE,
                result_name="建筑工程施工许可证",
                review_mode=ReviewMode.COUNTERSIGN,
            ),
            materials=[
                MaterialSpec(
                    name="建筑工程施工许可证申请表",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    original_copies=1,
                    source_channel=S.ONLINE_FORM,
                    source_explanation="在山东政务服务网在线填报，系统自动生成",
                    is_key=True,
                ),
                _licence("建设用地批准文件（不动产权证书）", "自然资源和规划局"),
                _licence("建设工程规划许可证", "自然资源和规划局"),
                _licence("建设单位营业执照", "市场监督管理部门"),
                MaterialSpec(
                    name="施工合同及中标通知书",
                    material_type=T.CONTRACT,
                    form=F.BOTH,
                    original_copies=1,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    notes="依法必须招标的工程提交中标通知书",
                    is_key=True,
                ),
                MaterialSpec(
                    name="施工图设计文件审查合格书",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    original_copies=1,
                    source_channel=S.GOVERNMENT,
                    issuing_body="施工图审查机构",
                    is_key=True,
                ),
                MaterialSpec(
                    name="建设资金已经落实承诺书",
                    material_type=T.FORM,
                    form=F.BOTH,
                    original_copies=1,
                    source_channel=S.APPLICANT,
                    notes="建设单位法定代表人签字并加盖公章",
                    is_key=True,
                ),
                MaterialSpec(
                    name="监理合同",
                    material_type=T.CONTRACT,
                    form=F.BOTH,
                    original_copies=1,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    notes="按照规定应当委托监理的工程提交",
                ),
                MaterialSpec(
                    name="施工现场具备施工条件的情况说明（含现场照片）",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    original_copies=1,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                    notes="可容缺受理，申请人签署《容缺受理承诺书》后在3个工作日内补交",
                ),
                MaterialSpec(
                    name="工程质量安全承诺书",
                    material_type=T.FORM,
                    form=F.BOTH,
                    original_copies=1,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                    notes="可容缺受理，在领取施工许可证前补交",
                ),
                _agent_materials(),
            ],
            situations=[
                SituationSpec(
                    question="是否属于按照规定应当委托监理的工程？",
                    options=(
                        OptionSpec("是", ("监理合同",)),
                        OptionSpec("否"),
                    ),
                ),
                AGENT_SITUATION,
            ],
            faqs=[
                FaqSpec(
                    "哪些工程可以不办理施工许可证？",
                    "工程投资额在30万元以下或者建筑面积在300平方米以下的建筑工程，以及抢险救灾、"
                    "临时性房屋建筑和农民自建低层住宅，可以不申请办理施工许可证。",
                ),
                FaqSpec(
                    "领取施工许可证后多长时间内必须开工？",
                    "应当自领取施工许可证之日起三个月内开工。因故不能按期开工的，应当在期满前申请"
                    "延期，延期以两次为限，每次不超过三个月；既不开工又不申请延期或者超过延期"
                    "时限的，施工许可证自行废止。",
                ),
                FaqSpec(
                    "在建工程中止施工需要报告吗？",
                    "需要。应当自中止施工之日起一个月内向发证机关报告；中止施工满一年的工程"
                    "恢复施工前，应当报发证机关核验施工许可证。",
                ),
            ],
            review_steps=[
                ReviewStepSpec(HOUSING, "施工图审查及质量安全监督手续核查"),
                ReviewStepSpec(PLANNING, "用地及建设工程规划许可核验"),
                ReviewStepSpec(FIRE, "消防安全条件核查"),
            ],
        ),
        # 2 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0002",
            department=MARKET_SECTION,
            themes=(OPENING_BUSINESS,),
            parent="企业设立、变更、注销登记",
            fields=_common(
                consult_phone="0543-0000102（演示）",
                name="企业设立登记",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》"
                    "第三条、第十九条；《中华人民共和国市场主体登记管理条例实施细则》"
                ),
                service_objects=[ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE],
                legal_limit_amount=3,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation=(
                    "申请材料齐全、符合法定形式的予以确认并当场登记；不能当场登记的，"
                    "应当在3个工作日内予以登记（《市场主体登记管理条例》第十九条）"
                ),
                promised_limit_amount=0,
                promised_limit_unit=LimitUnit.IMMEDIATE,
                promised_limit_explanation="材料齐全、符合法定形式的当场办结",
                case_kind=CaseKind.IMMEDIATE,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "申请材料齐全、符合法定形式；企业名称已自主申报；住所（经营场所）真实、合法；"
                    "经营范围涉及法律、行政法规规定须经批准的项目的，已取得前置审批文件。"
                ),
                handle_flow=(
                    "网上申报（开办企业“一网通办”）或窗口申请 → 受理审核 → 当场核准登记 → "
                    "同步发放电子营业执照，纸质执照窗口领取或免费邮寄"
                ),
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                handle_area=HandleArea.CROSS_COUNTY,
                result_type=ResultType.CERTIFICATE,
                result_name=BUSINESS_LICENCE,
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="公司登记（备案）申请书",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    source_explanation="登录山东省企业开办“一网通办”平台在线填报",
                    is_key=True,
                ),
                MaterialSpec(
                    name="公司章程",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    notes="可使用章程示范文本；由全体股东签署",
                    is_key=True,
                ),
                MaterialSpec(
                    name="法定代表人、董事、监事和经理的任职文件",
                    material_type=T.FORM,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                _licence("股东（投资人）主体资格证明", "公安机关/市场监督管理部门"),
                MaterialSpec(
                    name="住所（经营场所）使用证明",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    original_copies=0,
                    necessity=P.COMMITMENT,
                    source_channel=S.APPLICANT,
                    source_explanation="实行住所（经营场所）申报承诺制，填写承诺内容即可免交",
                ),
                MaterialSpec(
                    name="前置审批许可文件或许可证件",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.GOVERNMENT,
                    issuing_body="相关审批部门",
                    notes="经营范围涉及前置许可时提交",
                ),
                _agent_materials(),
            ],
            situations=[
                SituationSpec(
                    question="经营范围是否涉及法律、行政法规规定须在登记前审批的项目？",
                    options=(
                        OptionSpec("涉及前置审批", ("前置审批许可文件或许可证件",)),
                        OptionSpec("不涉及"),
                    ),
                ),
                AGENT_SITUATION,
            ],
            faqs=[
                FaqSpec(
                    "开办企业需要跑几次？",
                    "全程网办零跑腿：营业执照、公章刻制、发票申领、社保登记和银行开户预约可在"
                    "“一网通办”平台一次申报，电子营业执照即时生成，纸质执照可免费邮寄。",
                ),
                FaqSpec(
                    "办理企业设立登记收费吗？",
                    "不收费。企业登记费已取消，首套印章由政府免费刻制。",
                ),
            ],
        ),
        # 3 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0003",
            department=MARKET_SECTION,
            themes=(OPENING_BUSINESS,),
            parent="企业设立、变更、注销登记",
            fields=_common(
                consult_phone="0543-0000102（演示）",
                name="营业执照变更登记",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国市场主体登记管理条例》第二十四条至第二十九条；"
                    "《中华人民共和国市场主体登记管理条例实施细则》"
                ),
                service_objects=[ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE],
                legal_limit_amount=3,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation="不能当场登记的，应当在3个工作日内予以登记",
                promised_limit_amount=0,
                promised_limit_unit=LimitUnit.IMMEDIATE,
                promised_limit_explanation="材料齐全、符合法定形式的当场办结",
                case_kind=CaseKind.IMMEDIATE,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "市场主体登记事项发生变更的，应当自作出变更决议、决定或者法定变更事项发生之日起"
                    "30日内申请变更登记；申请材料齐全、符合法定形式。"
                ),
                handle_flow=(
                    "网上或窗口申请 → 受理审核 → 当场核准变更 → 换发营业执照（电子执照同步更新）"
                ),
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                handle_area=HandleArea.CROSS_COUNTY,
                result_type=ResultType.CERTIFICATE,
                result_name=BUSINESS_LICENCE,
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="变更登记申请书",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                MaterialSpec(
                    name="股东会决议或股东决定",
                    material_type=T.FORM,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="修改后的公司章程或章程修正案",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    notes="变更事项涉及章程修改时提交",
                ),
                MaterialSpec(
                    name="新住所（经营场所）使用证明",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    original_copies=0,
                    necessity=P.COMMITMENT,
                    source_channel=S.APPLICANT,
                    source_explanation="实行住所申报承诺制，承诺后免交",
                ),
                MaterialSpec(
                    name="新任法定代表人的任职文件",
                    material_type=T.FORM,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                ),
                _licence("原营业执照", "市场监督管理部门"),
                _agent_materials(),
            ],
            situations=[
                SituationSpec(
                    question="本次变更的登记事项是？",
                    options=(
                        OptionSpec("名称", ("修改后的公司章程或章程修正案",)),
                        OptionSpec(
                            "住所（经营场所）",
                            ("新住所（经营场所）使用证明", "修改后的公司章程或章程修正案"),
                        ),
                        OptionSpec("法定代表人", ("新任法定代表人的任职文件",)),
                        OptionSpec("注册资本或经营范围", ("修改后的公司章程或章程修正案",)),
                    ),
                ),
                AGENT_SITUATION,
            ],
            faqs=[
                FaqSpec(
                    "变更登记后原营业执照怎么处理？",
                    "换发新执照时收回原纸质执照；电子营业执照自动更新，无需另行申请。",
                ),
            ],
        ),
        # 4 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0004",
            department=MARKET_SECTION,
            themes=(SAFETY, MARKET_ACCESS),
            fields=_common(
                consult_phone="0543-0000102（演示）",
                name="烟花爆竹经营（零售）许可",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《烟花爆竹安全管理条例》第三条、第十八条、第十九条；"
                    "《烟花爆竹经营许可实施办法》（国家安全生产监督管理总局令第65号）"
                ),
                service_objects=[ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE],
                legal_limit_amount=20,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation=(
                    "自受理申请之日起20日内对提交的有关材料和经营场所进行审查"
                    "（《烟花爆竹安全管理条例》第十九条）"
                ),
                promised_limit_amount=5,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="含应急管理局现场核查时间",
                case_kind=CaseKind.PROMISED,
                handling_forms=[HandlingForm.WINDOW, HandlingForm.ONLINE_PC],
                accept_conditions=(
                    "1. 主要负责人经过安全培训合格，销售人员经过安全知识教育；\n"
                    "2. 零售场所与居民居住场所不在同一建筑物内，周边安全距离符合规定；\n"
                    "3. 有与所经营烟花爆竹品种、规模相适应的安全设施和安全管理制度。"
                ),
                handle_flow=("申请 → 受理 → 应急管理局现场核查 → 审批科审查决定 → 发证"),
                quantity_limit="零售点布局须符合本地烟花爆竹零售网点布局规划；许可证有效期不超过2年",
                visits_required=1,
                visit_reason="经营场所现场核查须申请人到场配合，并在领取许可证时核验原件",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_3,
                is_express=False,
                result_type=ResultType.CERTIFICATE,
                result_name="烟花爆竹经营（零售）许可证",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="烟花爆竹经营（零售）许可证申请书",
                    material_type=T.FORM,
                    form=F.BOTH,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                MaterialSpec(
                    name="主要负责人安全培训合格证明",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.GOVERNMENT,
                    issuing_body="应急管理部门",
                    is_key=True,
                ),
                MaterialSpec(
                    name="零售场所产权证明或租赁合同",
                    material_type=T.CONTRACT,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="零售场所平面示意图及周边环境说明",
                    material_type=T.DRAWING,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                ),
                MaterialSpec(
                    name="安全管理制度和岗位安全操作规程",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                    notes="可容缺受理，现场核查前补交",
                ),
                _agent_materials(),
            ],
            situations=[AGENT_SITUATION],
            faqs=[
                FaqSpec(
                    "零售点可以设在住宅楼底商吗？",
                    "不可以。烟花爆竹零售经营场所不得与居民居住场所设置在同一建筑物内。",
                ),
                FaqSpec(
                    "许可证到期后怎么办？",
                    "应在有效期届满前重新申请；逾期未申请的不得继续经营。",
                ),
            ],
            review_steps=[ReviewStepSpec(EMERGENCY, "经营场所现场核查")],
        ),
        # 5 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0005",
            department=MARKET_SECTION,
            themes=(MARKET_ACCESS, SELF_EMPLOYED),
            fields=_common(
                consult_phone="0543-0000102（演示）",
                name="食品经营许可",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国食品安全法》第三十五条；"
                    "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"
                ),
                service_objects=[
                    ServiceObject.NATURAL_PERSON,
                    ServiceObject.ENTERPRISE,
                    ServiceObject.INSTITUTION,
                ],
                legal_limit_amount=10,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation="自受理申请之日起10个工作日内作出是否准予行政许可的决定",
                promised_limit_amount=3,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="需现场核查的，核查时间计入承诺时限",
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "具有与经营的食品品种、数量相适应的经营场所、设备设施和食品安全管理人员，"
                    "有保证食品安全的规章制度；仅销售预包装食品的实行备案，不需申请本许可。"
                ),
                handle_flow=(
                    "申请 → 受理 → 市场监督管理局现场核查 → 审查决定 → 发证（电子证书同步生成）"
                ),
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                result_type=ResultType.CERTIFICATE,
                result_name="食品经营许可证",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="食品经营许可申请书",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                MaterialSpec(
                    name="经营场所主要设备设施布局、操作流程等文件",
                    material_type=T.DRAWING,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                    notes="可容缺受理，现场核查时补交",
                ),
                MaterialSpec(
                    name="网络经营情况说明（网站或网店网址、第三方平台名称）",
                    material_type=T.OTHER,
                    form=F.ELECTRONIC,
                    original_copies=0,
                    source_channel=S.ONLINE_FORM,
                ),
                _agent_materials(),
            ],
            situations=[
                SituationSpec(
                    question="是否通过互联网从事食品经营？",
                    options=(
                        OptionSpec("是", ("网络经营情况说明（网站或网店网址、第三方平台名称）",)),
                        OptionSpec("否"),
                    ),
                ),
                AGENT_SITUATION,
            ],
            faqs=[
                FaqSpec(
                    "只卖预包装食品需要办食品经营许可证吗？",
                    "不需要。仅销售预包装食品的，向市场监督管理部门办理备案即可。",
                ),
                FaqSpec(
                    "食品经营许可证有效期多长？",
                    "有效期为5年，需要延续的应当在有效期届满前90个工作日至15个工作日期间提出申请。",
                ),
            ],
            review_steps=[ReviewStepSpec(MARKET_REGULATION, "经营场所现场核查")],
        ),
        # 6 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0006",
            department=FIRE,
            themes=(SAFETY,),
            fields=_common(
                consult_phone="0543-0000106（演示）",
                name="公众聚集场所投入使用、营业前消防安全检查",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国消防法》第十五条；《消防监督检查规定》（公安部令第120号）"
                ),
                service_objects=[
                    ServiceObject.NATURAL_PERSON,
                    ServiceObject.ENTERPRISE,
                    ServiceObject.INSTITUTION,
                    ServiceObject.SOCIAL_ORGANISATION,
                ],
                legal_limit_amount=10,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation=(
                    "申请人选择不采用告知承诺方式办理的，消防救援机构应当自受理申请之日起"
                    "十个工作日内对该场所进行检查（《消防法》第十五条）"
                ),
                promised_limit_amount=3,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="采用告知承诺方式的，材料齐全即作出许可决定，事后核查",
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                ],
                accept_conditions=(
                    "公众聚集场所在投入使用、营业前，建设单位或者使用单位已依法取得建设工程消防"
                    "验收或备案手续，消防设施和器材配置符合消防技术标准。"
                ),
                handle_flow=(
                    "申请（选择告知承诺或检查方式）→ 受理 → 消防救援大队检查或事后核查 → "
                    "决定 → 发证"
                ),
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=False,
                is_entry_center=True,
                result_type=ResultType.CERTIFICATE,
                result_name="公众聚集场所投入使用、营业前消防安全检查合格证",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="公众聚集场所投入使用、营业前消防安全检查申请表",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                MaterialSpec(
                    name="场所平面布置图、消防设施平面图",
                    material_type=T.DRAWING,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="消防安全制度、灭火和应急疏散预案",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                ),
                MaterialSpec(
                    name="公众聚集场所投入使用、营业消防安全告知承诺书",
                    material_type=T.FORM,
                    form=F.BOTH,
                    source_channel=S.ONLINE_FORM,
                    notes="选择告知承诺方式时在线签署",
                ),
                MaterialSpec(
                    name="场所室内装修装饰材料消防产品质量合格证明",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    notes="选择检查方式时提交",
                ),
            ],
            situations=[
                SituationSpec(
                    question="是否选择告知承诺方式办理？",
                    options=(
                        OptionSpec("是", ("公众聚集场所投入使用、营业消防安全告知承诺书",)),
                        OptionSpec(
                            "否，申请现场检查", ("场所室内装修装饰材料消防产品质量合格证明",)
                        ),
                    ),
                ),
            ],
            faqs=[
                FaqSpec(
                    "选择告知承诺方式有什么要求？",
                    "申请人对场所符合消防安全标准作出书面承诺，消防救援机构当场作出许可决定并在"
                    "之后进行核查；发现与承诺不符的，依法撤销许可并予以处罚。",
                ),
            ],
            review_steps=[ReviewStepSpec(FIRE, "消防安全检查（或告知承诺核查）")],
        ),
        # 7 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0007",
            department=SOCIAL_SECTION,
            themes=(HEALTH_THEME, MARKET_ACCESS),
            fields=_common(
                consult_phone="0543-0000103（演示）",
                name="公共场所卫生许可",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《公共场所卫生管理条例》第八条；"
                    "《公共场所卫生管理条例实施细则》（原卫生部令第80号）第二十二条至第二十四条"
                ),
                service_objects=[ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE],
                legal_limit_amount=20,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation="自受理申请之日起20日内对申报资料进行审查，对现场进行审核",
                promised_limit_amount=5,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="含卫生健康局现场审核时间",
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "宾馆、美容美发、沐浴、游泳等公共场所经营者在开业前取得卫生许可；"
                    "场所卫生设施和卫生管理制度符合卫生标准和规范。"
                ),
                handle_flow="申请 → 受理 → 卫生健康局现场审核 → 审批科决定 → 发证",
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                result_type=ResultType.CERTIFICATE,
                result_name="公共场所卫生许可证",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="公共场所卫生许可申请表",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                MaterialSpec(
                    name="公共场所地址方位示意图、平面图和卫生设施平面布局图",
                    material_type=T.DRAWING,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="公共场所卫生检测或者评价报告",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    source_channel=S.OTHER,
                    source_explanation="由具备资质的检测机构出具",
                    issuing_body="卫生检测机构",
                    is_key=True,
                ),
                MaterialSpec(
                    name="公共场所卫生管理制度",
                    material_type=T.OTHER,
                    form=F.BOTH,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                ),
                MaterialSpec(
                    name="集中空调通风系统卫生检测或者评价报告",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    source_channel=S.OTHER,
                    issuing_body="卫生检测机构",
                    notes="使用集中空调通风系统的提交",
                ),
                _agent_materials(),
            ],
            situations=[
                SituationSpec(
                    question="场所是否使用集中空调通风系统？",
                    options=(
                        OptionSpec("是", ("集中空调通风系统卫生检测或者评价报告",)),
                        OptionSpec("否"),
                    ),
                ),
                AGENT_SITUATION,
            ],
            faqs=[
                FaqSpec(
                    "哪些公共场所需要办理卫生许可？",
                    "宾馆、旅店、招待所、公共浴室、理发店、美容店、游泳场（馆）等；"
                    "具体范围以省级卫生健康部门公布的目录为准。",
                ),
            ],
            review_steps=[ReviewStepSpec(HEALTH, "场所卫生现场审核")],
        ),
        # 8 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0008",
            department=INVESTMENT_SECTION,
            themes=(CITY_THEME, SELF_EMPLOYED),
            fields=_common(
                consult_phone="0543-0000101（演示）",
                name="户外招牌设置",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《城市市容和环境卫生管理条例》第十一条；"
                    "《中华人民共和国行政许可法》第四十二条（办理期限）"
                ),
                service_objects=[
                    ServiceObject.NATURAL_PERSON,
                    ServiceObject.ENTERPRISE,
                    ServiceObject.OTHER_ORGANISATION,
                ],
                legal_limit_amount=20,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation="行政许可法第四十二条规定的一般期限",
                promised_limit_amount=3,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="含综合行政执法局现场勘查时间",
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "招牌设置位置、尺寸、材质符合本市户外招牌设置规范，结构安全，"
                    "已取得建筑物所有权人或使用权人同意。"
                ),
                handle_flow="申请 → 受理 → 综合行政执法局现场勘查 → 审批科决定 → 出具决定书",
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                result_type=ResultType.DOCUMENT,
                result_name="户外招牌设置审批决定书",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="户外招牌设置申请表",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                MaterialSpec(
                    name="招牌设计效果图（标明位置、尺寸、材质、照明方式）",
                    material_type=T.DRAWING,
                    form=F.BOTH,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="建筑物产权证明或所有权人同意设置的证明",
                    material_type=T.CERTIFICATE,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                MaterialSpec(
                    name="招牌结构安全承诺书",
                    material_type=T.FORM,
                    form=F.BOTH,
                    necessity=P.DEFERRABLE,
                    source_channel=S.APPLICANT,
                ),
                _agent_materials(),
            ],
            situations=[AGENT_SITUATION],
            faqs=[
                FaqSpec(
                    "招牌更换内容需要重新申请吗？",
                    "招牌位置、尺寸、结构不变仅更换文字内容的，向综合受理窗口报备即可；"
                    "位置、尺寸或结构改变的应当重新申请。",
                ),
            ],
            review_steps=[ReviewStepSpec(ENFORCEMENT, "设置位置现场勘查")],
        ),
        # 9 ------------------------------------------------------------------------------
        DemoItem(
            code="371681-XK-0009",
            department=TOBACCO,
            themes=(MARKET_ACCESS, SELF_EMPLOYED),
            fields=_common(
                consult_phone="0543-0000109（演示）",
                name="烟草专卖零售许可",
                item_type=ItemType.LICENSING,
                legal_basis=(
                    "《中华人民共和国烟草专卖法》第十六条；《中华人民共和国烟草专卖法实施条例》"
                    "第十一条；《烟草专卖许可证管理办法》"
                ),
                service_objects=[ServiceObject.NATURAL_PERSON, ServiceObject.ENTERPRISE],
                legal_limit_amount=20,
                legal_limit_unit=LimitUnit.WORKING_DAYS,
                legal_limit_explanation="自受理申请之日起20日内作出是否准予许可的决定",
                promised_limit_amount=7,
                promised_limit_unit=LimitUnit.WORKING_DAYS,
                promised_limit_explanation="含实地核查及合理布局审查时间",
                case_kind=CaseKind.PROMISED,
                handling_forms=[
                    HandlingForm.WINDOW,
                    HandlingForm.ONLINE_PC,
                    HandlingForm.ONLINE_MOBILE,
                    HandlingForm.EXPRESS,
                ],
                accept_conditions=(
                    "有与经营烟草制品零售业务相适应的资金和固定的经营场所，"
                    "符合烟草制品零售点合理布局的要求。"
                ),
                handle_flow="申请 → 受理 → 烟草专卖局实地核查 → 决定 → 发证",
                visits_required=0,
                visit_reason="无",
                is_online=True,
                online_depth=OnlineDepth.LEVEL_4,
                is_express=True,
                result_type=ResultType.CERTIFICATE,
                result_name="烟草专卖零售许可证",
                review_mode=ReviewMode.SEQUENTIAL,
            ),
            materials=[
                MaterialSpec(
                    name="烟草专卖零售许可证申请表",
                    material_type=T.FORM,
                    form=F.ELECTRONIC,
                    source_channel=S.ONLINE_FORM,
                    is_key=True,
                ),
                _licence(BUSINESS_LICENCE, "市场监督管理部门"),
                _licence("经营者身份证明", "公安机关"),
                MaterialSpec(
                    name="经营场所产权证明或租赁协议",
                    material_type=T.CONTRACT,
                    form=F.BOTH,
                    photocopy_copies=1,
                    source_channel=S.APPLICANT,
                    is_key=True,
                ),
                _agent_materials(),
            ],
            situations=[AGENT_SITUATION],
            faqs=[
                FaqSpec(
                    "烟草专卖零售许可证有效期多长？",
                    "有效期一般为5年，期满需要继续经营的，应当在有效期届满30日前申请延续。",
                ),
            ],
            review_steps=[ReviewStepSpec(TOBACCO, "实地核查及合理布局审查")],
        ),
    ]


def demo_items() -> list[DemoItem]:
    """The curated items (fresh objects each call)."""
    return _items()


@transaction.atomic
def demo_catalogue_load(*, actor: User | None = None) -> int:
    """Load the demo organisation and the nine curated items as published versions.

    Idempotent: items whose code exists are skipped. Returns the number of items created.
    """
    demo_organisation_load()
    created = 0
    for spec in _items():
        if ServiceItem.objects.filter(code=spec.code).exists():
            continue
        department = Department.objects.get(name=spec.department)
        item = item_create(
            code=spec.code,
            code_system=CodeSystem.LOCAL,
            department=department,
            actor=actor,
            name=spec.fields["name"],
            item_type=spec.fields["item_type"],
            parent_name=spec.parent,
            code_region="山东省滨州市邹平市",
            area_code="371681",
            local_code=spec.code,
        )
        themes = [
            theme_get_or_create(
                name=t.name, audience=t.audience, actor=actor, sort_order=t.sort_order
            )
            for t in spec.themes
        ]
        item_update(item=item, actor=actor, themes=themes)
        draft = item.versions.get()
        item_version_set_content(
            version=draft,
            actor=actor,
            content=VersionContent(
                fields=spec.fields,
                materials=spec.materials,
                situations=spec.situations,
                fees=spec.fees,
                faqs=spec.faqs,
                review_steps=spec.review_steps,
            ),
        )
        item_version_publish(version=draft, actor=actor)
        created += 1
    return created

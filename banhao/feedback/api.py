"""The 好差评 API (mounted at ``/api/v1/feedback/``).

Field names follow the provincial 好差评 interface where it has one (domain.md §4.6):
``projectNo``, ``pf``, ``satisfaction``, ``evalDetail``, ``writingEvaluation``,
``assessNumber``. A ``satisfaction`` number is only accepted together with ``codeSystem``
(``provincial_satisfaction``: 1 = 非常不满意 … 5 = 非常满意; ``gbt39046_a8``: 1 = 非常满意 …),
and every answer gives the level by name plus its number in both systems.

* ``POST /ratings`` — the case's applicant (bearer token or session + CSRF): a first rating
  (``assessNumber`` 1) or the 追评 (2); someone else's case is 404.
* ``GET /publication`` — public (``auth=None``): the month's 好评率 and 差评整改率, no rater data.
* ``GET /ranking`` — window staff, helpers and leaders: the 星帮办 ranking with its formula.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.tokens import NotAuthenticated, api_auth
from banhao.feedback import services
from banhao.feedback.access import access_case_for_rater
from banhao.feedback.models import Rating
from banhao.feedback.selectors import publication_month, ranking_month
from banhao.shared import clock
from banhao.shared.errors import Forbidden, ValidationFailed
from banhao_core.ratings import CodeSystem, Level, RatingChannel, ServiceEvent, level_code

router = Router(tags=["好差评"])


class CamelSchema(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorBody(Schema):
    code: str = Field(..., examples=["rating_window_closed"])
    message: str = Field(
        ..., examples=["评价期限已过：办理后 5 个工作日内（截至 2026-12-04）可以评价"]
    )
    field: str | None = Field(None, examples=["satisfaction"])
    details: dict[str, Any] | None = None


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}

#: Channels a person may use through the API (7 系统默认评价 is the system's own).
ApiChannel = Literal["1", "2", "3", "4", "5", "6"]


class RatingIn(CamelSchema):
    project_no: str = Field(
        ..., max_length=50, description="办件编号", examples=["37168120261127000001"]
    )
    event: ServiceEvent = Field(
        ServiceEvent.CLOSE, description="评价环节：acceptance 受理，close 办结", examples=["close"]
    )
    pf: ApiChannel = Field(
        "2",
        description="评价渠道：1 PC端、2 移动端、3 二维码、4 政务大厅平板电脑、"
        "5 政务大厅其他终端、6 短信",
        examples=["2"],
    )
    satisfaction: int | None = Field(
        None, ge=1, le=5, description="满意度代码（须同时给出 codeSystem）", examples=[2]
    )
    code_system: CodeSystem | None = Field(
        None,
        description="满意度代码体系：provincial_satisfaction（1=非常不满意…5=非常满意）或 "
        "gbt39046_a8（1=非常满意…5=非常不满意）",
        examples=["provincial_satisfaction"],
    )
    level: Level | None = Field(
        None, description="满意度等级名称（可代替 satisfaction）", examples=["dissatisfied"]
    )
    eval_detail: str = Field(
        "", max_length=200, description="差评问题选项代码，逗号分隔", examples=["B03,B04"]
    )
    writing_evaluation: str = Field(
        "", max_length=500, description="文字评价", examples=["等候时间较长"]
    )
    assess_number: Literal[1, 2] = Field(1, description="评价次数：1 首次，2 追评", examples=[1])
    indicators: dict[str, Level] = Field(
        default_factory=dict,
        description="分项评价（网上：efficiency、guide_accuracy、convenience、usability；"
        "现场：service_efficiency、service_level、service_attitude）",
        examples=[{"efficiency": "satisfied"}],
    )


class CodeLabel(Schema):
    code: str = Field(..., examples=["dissatisfied"])
    label: str = Field(..., examples=["不满意"])


class SatisfactionCodes(CamelSchema):
    gbt39046_a8: int = Field(..., alias="gbt39046A8", examples=[4])
    provincial_satisfaction: int = Field(..., examples=[2])


class RatingOut(CamelSchema):
    id: int = Field(..., examples=[12])
    project_no: str = Field(..., examples=["37168120261127000001"])
    event: CodeLabel
    assess_number: int = Field(..., examples=[1])
    level: CodeLabel
    satisfaction: SatisfactionCodes
    pf: CodeLabel
    eval_detail: str = Field(..., examples=["B03"])
    created_at: str = Field(..., examples=["2026-11-27T10:00:00+08:00"])
    complaint_routed: bool = Field(..., description="差评已转责任单位处理", examples=[True])


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - the operation's auth guarantees it
        raise NotAuthenticated("请先登录")
    return user


def _rating_out(rating: Rating) -> dict[str, Any]:
    level = rating.level_enum
    event = ServiceEvent(rating.event)
    channel = RatingChannel(rating.channel)
    return {
        "id": rating.pk,
        "project_no": rating.case.number,
        "event": {"code": event.value, "label": event.label},
        "assess_number": rating.assess_number,
        "level": {"code": level.value, "label": level.label},
        "satisfaction": {
            "gbt39046_a8": level_code(level, CodeSystem.GBT39046),
            "provincial_satisfaction": level_code(level, CodeSystem.PROVINCIAL),
        },
        "pf": {"code": channel.value, "label": channel.label},
        "eval_detail": ",".join(rating.option_codes),
        "created_at": timezone.localtime(rating.created_at).isoformat(),
        "complaint_routed": hasattr(rating, "complaint"),
    }


@router.post(
    "/ratings",
    response={201: RatingOut, **ERRORS},
    auth=api_auth,
    by_alias=True,
    summary="提交评价或追评（好差评）",
)
def rating_submit_api(request: HttpRequest, payload: RatingIn) -> Status[dict[str, Any]]:
    """办件申请人对一次服务（受理或办结）评价；``assessNumber`` 2 为追评（每次服务一次）。
    须在该次服务后的评价期限（默认 5 个工作日）内。差评（不满意、非常不满意）须选择问题选项，
    并自动转办理单位回访整改。"""
    user = _user(request)
    case = access_case_for_rater(user, payload.project_no)
    if payload.satisfaction is not None and payload.code_system is None:
        raise ValidationFailed(
            "请注明满意度代码所属的代码体系", field="codeSystem", code="code_system_required"
        )
    data = services.RatingInput(
        event=payload.event,
        channel=RatingChannel(payload.pf),
        level=payload.level,
        code=payload.satisfaction,
        code_system=payload.code_system,
        indicators=payload.indicators,
        option_codes=[c for c in payload.eval_detail.split(",") if c.strip()],
        text=payload.writing_evaluation,
    )
    if payload.assess_number == 2:  # 追评
        rating = services.rating_follow_up(case=case, data=data, actor=user)
    else:
        rating = services.rating_submit(case=case, data=data, actor=user)
    return Status(201, _rating_out(rating))


class MonthQuery(Schema):
    month: str | None = Field(
        None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM，默认本月",
        examples=["2026-11"],
    )


def _month(query: MonthQuery) -> tuple[int, int]:
    if query.month is None:
        today = clock.today()
        return today.year, today.month
    year, month = query.month.split("-")
    return int(year), int(month)


class SummaryOut(CamelSchema):
    total: int = Field(..., examples=[120])
    good: int = Field(..., description="非常满意 + 满意 + 基本满意", examples=[117])
    bad: int = Field(..., description="差评", examples=[3])
    good_rate: float | None = Field(..., description="好评率（0–1）", examples=[0.975])


class UnitOut(CamelSchema):
    name: str = Field(..., examples=["行政审批服务局（投资建设审批科）"])
    summary: SummaryOut
    complaints: int = Field(..., examples=[2])
    rectified: int = Field(..., examples=[2])
    rectification_rate: float | None = Field(..., examples=[1.0])


class OutcomeOut(CamelSchema):
    department: str
    item_name: str
    level: str = Field(..., examples=["不满意"])
    options: list[str]
    disposition: str = Field(..., examples=["立行立改"])
    result: str
    state: str = Field(..., examples=["已办结"])


class PublicationOut(CamelSchema):
    month: str = Field(..., examples=["2026-11"])
    overall: SummaryOut
    complaints: int
    rectification_rate: float | None
    appeals_upheld: int
    appeals_rejected: int
    excludes_system_default: bool
    departments: list[UnitOut]
    windows: list[UnitOut]
    outcomes: list[OutcomeOut]


def _summary(summary: Any) -> dict[str, Any]:
    return {
        "total": summary.total,
        "good": summary.good,
        "bad": summary.bad,
        "good_rate": summary.good_rate,
    }


@router.get(
    "/publication",
    response={200: PublicationOut, **ERRORS},
    auth=None,
    by_alias=True,
    summary="好差评月度公示（公开）",
)
def publication_api(request: HttpRequest, params: Query[MonthQuery]) -> dict[str, Any]:
    """按部门、窗口的好评率与差评整改率，申诉复核结果和差评整改情况。不含任何评价人信息。"""
    year, month = _month(params)
    report = publication_month(year=year, month=month)

    def unit(u: Any) -> dict[str, Any]:
        return {
            "name": u.name,
            "summary": _summary(u.summary),
            "complaints": u.complaints,
            "rectified": u.rectified,
            "rectification_rate": u.rectification_rate,
        }

    return {
        "month": f"{year:04d}-{month:02d}",
        "overall": _summary(report.overall),
        "complaints": report.complaints,
        "rectification_rate": report.rectification_rate,
        "appeals_upheld": report.appeals_upheld,
        "appeals_rejected": report.appeals_rejected,
        "excludes_system_default": report.excludes_system_default,
        "departments": [unit(d) for d in report.departments],
        "windows": [unit(w) for w in report.windows],
        "outcomes": [
            {
                "department": o.department,
                "item_name": o.item_name,
                "level": o.level_label,
                "options": list(o.options),
                "disposition": o.disposition,
                "result": o.result,
                "state": o.state_label,
            }
            for o in report.outcomes
        ],
    }


class WeightsOut(Schema):
    satisfaction: int = Field(..., examples=[40])
    on_time: int = Field(..., examples=[30])
    volume: int = Field(..., examples=[20])
    forum: int = Field(..., examples=[10])


class RankedOut(CamelSchema):
    rank: int = Field(..., examples=[1])
    staff_id: int
    name: str = Field(..., examples=["李窗口"])
    ratings: int
    good_ratings: int
    cases_closed: int
    cases_on_time: int
    praise: int
    criticism: int
    score: float = Field(..., examples=[86.5])


class RankingOut(CamelSchema):
    month: str
    formula: str
    weights: WeightsOut
    rows: list[RankedOut]


RANKING_ROLES = frozenset({Role.WINDOW_CLERK, Role.HELPER, Role.LEADER})


@router.get(
    "/ranking",
    response={200: RankingOut, **ERRORS},
    auth=api_auth,
    by_alias=True,
    summary="星帮办月度排名（窗口人员、帮办代办员、局领导）",
)
def ranking_api(request: HttpRequest, params: Query[MonthQuery]) -> dict[str, Any]:
    """本中心窗口人员和帮办代办员的月度得分，附计分公式和权重。"""
    user = _user(request)
    if not user.role_set() & RANKING_ROLES:
        raise Forbidden("只有窗口人员、帮办代办员和局领导可以查看排名", code="role_not_allowed")
    year, month = _month(params)
    ranking = ranking_month(year=year, month=month, service_centre_id=user.service_centre_id)
    return {
        "month": f"{year:04d}-{month:02d}",
        "formula": ranking.formula,
        "weights": {
            "satisfaction": ranking.weights.satisfaction,
            "on_time": ranking.weights.on_time,
            "volume": ranking.weights.volume,
            "forum": ranking.weights.forum,
        },
        "rows": [
            {
                "rank": row.ranked.rank,
                "staff_id": row.staff.pk,
                "name": str(row.staff),
                "ratings": row.ranked.facts.ratings,
                "good_ratings": row.ranked.facts.good_ratings,
                "cases_closed": row.ranked.facts.cases_closed,
                "cases_on_time": row.ranked.facts.cases_on_time,
                "praise": row.ranked.facts.praise,
                "criticism": row.ranked.facts.criticism,
                "score": row.ranked.score,
            }
            for row in ranking.rows
        ],
    }

"""Demo 好差评: ratings on the demo closed cases (some 差评 worked through the loop, one
appeal), so the publication and ranking pages show something. Everything goes through the
services at the moment it would have happened (``clock.at``). Idempotent: cases that already
have a rating are left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from banhao.accounts.models import User
from banhao.cases.models import Case
from banhao.feedback.access import is_unit_staff
from banhao.feedback.models import Complaint, Rating, StarHelperAward
from banhao.feedback.services import (
    RatingInput,
    appeal_decide,
    appeal_file,
    complaint_callback,
    complaint_dispose,
    complaint_feedback_to_rater,
    complaint_rate_fix,
    complaint_rectification_complete,
    rating_submit,
    star_helper_choose,
)
from banhao.shared import clock
from banhao.workcalendar.selectors import work_calendar
from banhao_core.ratings import (
    AppealGround,
    Disposition,
    FixVerdict,
    Level,
    RatingChannel,
    ServiceEvent,
)

SEED = 20261128
#: (level, weight): mostly good, a few 差评 (the bureau reports 好评率 above 99 %, the demo
#: shows more 差评 so the loop has something to show).
LEVEL_WEIGHTS = (
    (Level.VERY_SATISFIED, 60),
    (Level.SATISFIED, 22),
    (Level.BASICALLY_SATISFIED, 8),
    (Level.DISSATISFIED, 7),
    (Level.VERY_DISSATISFIED, 3),
)
TEXTS = {
    Level.DISSATISFIED: ("等候时间较长", "材料要求前后不一致"),
    Level.VERY_DISSATISFIED: ("跑了两次才办成",),
}


def _later(moment: dt.datetime, centre_id: int, working_days: int, hour: int) -> dt.datetime:
    calendar = work_calendar(service_centre_id=centre_id)
    day = calendar.add_working_days(timezone.localdate(moment), working_days).day
    zone = timezone.get_default_timezone()
    candidate = dt.datetime(day.year, day.month, day.day, hour, 20, tzinfo=zone)
    return min(max(candidate, moment + dt.timedelta(minutes=30)), clock.now())


@transaction.atomic
def demo_feedback_load() -> int:
    """Rate the demo closed cases; returns how many ratings were created."""
    leader = User.objects.filter(username="lingdao").first()
    if leader is None:
        return 0
    rated = set(Rating.objects.values_list("case_id", flat=True))
    cases = list(
        Case.objects.filter(state="closed", closed_at__isnull=False, form_data__demo=True)
        .exclude(pk__in=rated)
        .select_related("item_version__item__department", "applicant")
        .order_by("closed_at", "id")
    )
    levels = [level for level, weight in LEVEL_WEIGHTS for _ in range(weight)]
    created = 0
    appealed = Complaint.objects.filter(appeals__isnull=False).exists()
    for case in cases:
        # One generator per case: the same case gets the same decision on every run.
        rng = random.Random(f"{SEED}:{case.number}")  # noqa: S311 - demo data, not security
        if case.closed_at is None or rng.random() > 0.75:
            continue
        level = rng.choice(levels)
        online = case.applicant is not None
        moment = _later(case.closed_at, case.service_centre_id, rng.choice((0, 0, 1, 2)), 15)
        data = RatingInput(
            event=ServiceEvent.CLOSE,
            channel=rng.choice((RatingChannel.PC, RatingChannel.MOBILE))
            if online
            else RatingChannel.QR_CODE,
            level=level,
            option_codes=[rng.choice(("B01", "B02", "B03", "B04", "B06"))] if level.is_bad else [],
            text=rng.choice(TEXTS[level]) if level in TEXTS else "",
        )
        with clock.at(moment):
            rating = rating_submit(case=case, data=data, actor=case.applicant)
        created += 1
        if not level.is_bad:
            continue
        complaint = Complaint.objects.get(rating=rating)
        unit = _handler(complaint, leader)
        if not appealed and unit is not leader:
            with clock.at(_later(moment, case.service_centre_id, 1, 10)):
                appeal = appeal_file(
                    complaint=complaint,
                    ground=AppealGround.UNTRUE,
                    statement="经调取叫号记录，该申请人等候 6 分钟，与评价内容不符（演示数据）",
                    actor=unit,
                )
            with clock.at(_later(moment, case.service_centre_id, 2, 16)):
                appeal_decide(
                    appeal=appeal, upheld=False, reason="评价反映的问题属实，维持差评", actor=leader
                )
            appealed = True
        _work_loop(complaint, moment, case, unit, rng)
    _choose_star(leader)
    return created


def _handler(complaint: Complaint, leader: User) -> User:
    """A staff member of the responsible unit, or the leader when the unit has no account."""
    for user in User.objects.filter(department_id=complaint.department_id, is_active=True):
        if is_unit_staff(user):
            return user
    return leader


def _work_loop(
    complaint: Complaint, moment: dt.datetime, case: Case, unit: User, rng: random.Random
) -> None:
    """回访 the next working day, then 立行立改 / 限期整改 / 解释说明 and the feedback."""
    centre = case.service_centre_id
    with clock.at(_later(moment, centre, 1, 9)):
        complaint = complaint_callback(
            complaint=complaint, notes="已电话回访评价人，核实情况属实（演示数据）", actor=unit
        )
        disposition = rng.choice((Disposition.IMMEDIATE, Disposition.RECTIFY, Disposition.EXPLAIN))
        notes = {
            Disposition.IMMEDIATE: "当场增开综合受理窗口，缩短等候时间",
            Disposition.RECTIFY: "梳理该事项材料清单，统一一次性告知口径，建立整改台账",
            Disposition.EXPLAIN: "该材料为法定要求，已向评价人解释依据",
        }[disposition]
        complaint = complaint_dispose(
            complaint=complaint, disposition=disposition, notes=notes, actor=unit
        )
    if disposition is Disposition.RECTIFY:
        done = _later(moment, centre, 4, 11)
        if done >= clock.now():
            return  # still 整改中 today
        with clock.at(done):
            complaint = complaint_rectification_complete(
                complaint=complaint, result="材料清单已修订并在办事指南公布", actor=unit
            )
    fed_back = _later(moment, centre, 5, 14)
    if fed_back >= clock.now():
        return
    with clock.at(fed_back):
        complaint = complaint_feedback_to_rater(
            complaint=complaint, text=f"您反映的问题已处理：{notes}", actor=unit
        )
    rater = complaint.rating.rater
    if rater is not None:
        with clock.at(_later(fed_back, centre, 1, 10)):
            complaint_rate_fix(
                complaint=complaint, verdict=FixVerdict.SATISFIED, comment="", actor=rater
            )


def _choose_star(leader: User) -> None:
    """Last month's 星级帮办员: the top of its ranking (once)."""
    today = clock.today()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if StarHelperAward.objects.filter(year=year, month=month).exists():
        return
    from banhao.feedback.selectors import ranking_month

    ranking = ranking_month(year=year, month=month, service_centre_id=leader.service_centre_id)
    if ranking.rows and ranking.rows[0].ranked.facts.cases_closed:
        star_helper_choose(
            year=year,
            month=month,
            staff=ranking.rows[0].staff,
            note="好评率高、按时办结（演示数据）",
            actor=leader,
        )

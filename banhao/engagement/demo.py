"""Demo 民说民评: last quarter's forum (invitees of every group, the contact list, minutes,
archived) with suggestions in every state, one online suggestion, praise of a helper (so
星帮办 has forum feedback), and a questionnaire answered online and on paper.

Everything goes through the services at the moment it would have happened (``clock.at``).
Idempotent: if the demo forum exists, nothing happens.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from banhao.accounts.models import User
from banhao.engagement.models import Forum
from banhao.engagement.services import (
    ForumInput,
    QuestionInput,
    SuggestionInput,
    forum_attendance_record,
    forum_contact_add,
    forum_create,
    forum_invitations_send,
    forum_invitee_add,
    forum_update,
    suggestion_answer,
    suggestion_assign,
    suggestion_close,
    suggestion_decline,
    suggestion_evidence_add,
    suggestion_register,
    suggestion_start,
    suggestion_submit_online,
    survey_create,
    survey_paper_batch_create,
    survey_paper_enter,
    survey_question_add,
    survey_response_submit,
    survey_set_status,
)
from banhao.org.models import Department, ServiceCentre
from banhao.shared import clock
from banhao.workcalendar.selectors import work_calendar

DEMO_THEME = "优化营商环境“民说民评”恳谈会（第三季度）"
SEED = 20261128

INVITEES = (
    ("enterprise", "刘建民", "邹平市鲁信建设工程有限公司", "13805431234"),
    ("enterprise", "高翠兰", "山东魏桥纺织配套有限公司", "13805432345"),
    ("npc_deputy", "孙立国", "邹平市人大代表（黛溪街道）", "13605431111"),
    ("cppcc_member", "马玉华", "邹平市政协委员", "13605432222"),
    ("citizen", "赵大海", "黛溪街道居民", "13905433333"),
)
CONTACTS = (
    ("郑局长", "局长", "局领导", "0543-4321000"),
    ("周审批", "科长", "投资建设审批科", "0543-4321010"),
    ("李窗口", "主任", "综合受理窗口", "0543-4321020"),
)


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (220, 230, 240)).save(out, "PNG")
    return SimpleUploadedFile("整改现场.png", out.getvalue(), content_type="image/png")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def demo_engagement_load() -> int:
    """Load the demo set; returns the number of suggestions created (0 when present)."""
    if Forum.objects.filter(theme=DEMO_THEME).exists():
        return 0
    centre = ServiceCentre.objects.order_by("id").first()
    leader = User.objects.filter(username="lingdao").first()
    reviewer = User.objects.filter(username="zhujian").first()
    clerk = User.objects.filter(username="chuangkou").first()
    helper = User.objects.filter(username="bangban").first()
    if centre is None or leader is None or reviewer is None or clerk is None or helper is None:
        return 0
    housing = Department.objects.get(name="住房和城乡建设局")
    calendar = work_calendar(service_centre_id=centre.pk)
    today = clock.today()
    held = calendar.next_working_day(today - dt.timedelta(days=40)).day
    plan_day = calendar.next_working_day(held - dt.timedelta(days=10)).day

    with clock.at(_at(plan_day, 9)):
        forum = forum_create(
            data=ForumInput(
                theme=DEMO_THEME,
                held_on=held,
                start_time=dt.time(9, 0),
                place="邹平市政务服务中心三楼会议室",
                agenda="一、通报第三季度政务服务工作\n二、企业代表、人大代表、政协委员和群众代表发言\n"
                "三、相关科室和进驻部门现场答复\n四、填写满意度问卷",
            ),
            actor=leader,
        )
        for category, name, organisation, phone in INVITEES:
            forum_invitee_add(
                forum=forum,
                category=category,
                name=name,
                organisation=organisation,
                phone=phone,
                actor=leader,
                user=User.objects.filter(username="qiye").first()
                if category == "enterprise" and name == "刘建民"
                else None,
            )
        for name, position, unit, phone in CONTACTS:
            forum_contact_add(
                forum=forum,
                name=name,
                position=position,
                unit=unit,
                phone=phone,
                available_24h=True,
                actor=leader,
            )
        forum_invitations_send(forum=forum, actor=leader)

    created = 0
    with clock.at(_at(held, 11)):
        forum_attendance_record(
            forum=forum,
            attended_ids=[i.pk for i in forum.invitees.all() if i.name != "马玉华"],
            actor=leader,
        )
        raised = []
        for title, kind, content, raiser, staff, sentiment in (
            (
                "施工许可材料能否共享免交",
                "suggestion",
                "营业执照、资质证书每次都要复印，建议通过电子证照共享免交。",
                "刘建民",
                None,
                "neutral",
            ),
            (
                "午间窗口无人",
                "complaint",
                "中午到大厅办事，住建窗口没有人，等到下午一点半。",
                "赵大海",
                None,
                "neutral",
            ),
            (
                "帮办员吴帮办服务热情",
                "suggestion",
                "吴帮办全程帮我们跑手续，一次就办好了，建议表扬。",
                "高翠兰",
                helper,
                "praise",
            ),
            (
                "停车位太少",
                "gripe",
                "中心门口停车位不够，经常要绕很远。",
                "孙立国",
                None,
                "neutral",
            ),
            ("取消全部收费", "suggestion", "建议取消所有审批收费。", "赵大海", None, "neutral"),
        ):
            raised.append(
                suggestion_register(
                    data=SuggestionInput(
                        kind=kind,
                        title=title,
                        content=content,
                        raiser_name=raiser,
                        raiser_category=next(c for c, n, *_ in INVITEES if n == raiser),
                        department_ids=[housing.pk],
                        about_staff_id=staff.pk if staff else None,
                        sentiment=sentiment,
                    ),
                    source="forum",
                    forum=forum,
                    actor=leader,
                    raised_at=_at(held, 10),
                )
            )
            created += 1
        for suggestion in raised[:4]:
            suggestion_assign(suggestion=suggestion, department=housing, actor=leader)
        suggestion_decline(
            suggestion=raised[4],
            reason="行政事业性收费由法律法规设定，本局无权取消；已公开全部收费依据。",
            actor=leader,
        )
        forum_update(
            forum=forum,
            data=ForumInput(
                theme=forum.theme,
                held_on=held,
                start_time=forum.start_time,
                place=forum.place,
                agenda=forum.agenda,
            ),
            minutes="到会代表 4 人。代表提出意见建议 5 条，现场交办 4 条，说明 1 条。",
            status=Forum.Status.ARCHIVED,
            actor=leader,
        )

    # 住建局 works the first two to 已办结, the third is answered, the fourth in progress.
    work_day = calendar.add_working_days(held, 2).day
    with clock.at(_at(work_day, 10)):
        for suggestion in raised[:4]:
            suggestion_start(suggestion=suggestion, actor=reviewer)
        for suggestion, response, summary in (
            (
                raised[0],
                "已接入电子证照库，营业执照和资质证书共享免交。",
                "营业执照、资质证书已实现共享免交。",
            ),
            (
                raised[1],
                "自 10 月起住建窗口实行午间轮岗，12:00–13:30 有人值守。",
                "住建窗口已实行午间轮岗值守。",
            ),
            (raised[2], "已通报表扬吴帮办。", "已通报表扬。"),
        ):
            suggestion_answer(
                suggestion=suggestion, response=response, public_summary=summary, actor=reviewer
            )
    close_day = calendar.add_working_days(work_day, 1).day
    with clock.at(_at(close_day, 15)):
        for suggestion in raised[:2]:
            suggestion_evidence_add(suggestion=suggestion, upload=_png(), actor=reviewer)
            suggestion_close(suggestion=suggestion, actor=reviewer)

    online_day = calendar.next_working_day(today - dt.timedelta(days=7)).day
    with clock.at(_at(online_day, 20, 15)):
        suggestion_submit_online(
            data=SuggestionInput(
                kind="suggestion",
                title="增加自助打印机",
                content="大厅只有一台自助打印机，经常排队，建议再增加一台。",
                is_anonymous=True,
            ),
            centre=centre,
            actor=None,
        )
        created += 1

    _demo_survey(leader, clerk, held, plan_day)
    return created


def _demo_survey(leader: User, clerk: User, held: dt.date, plan_day: dt.date) -> None:
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not security
    with clock.at(_at(plan_day, 10)):
        survey = survey_create(
            title="2026 年第三季度政务服务满意度问卷",
            intro="本问卷不记名，请根据真实感受填写，填写后装入回邮信封寄回。",
            is_anonymous=True,
            code="msmp-2026q3",
            actor=leader,
        )
        for question in (
            QuestionInput(kind="single", text="您的事项是否一次办好", options=("是", "否")),
            QuestionInput(
                kind="text",
                text="没有一次办好的原因",
                condition_question="Q1",
                condition_values=("B",),
            ),
            QuestionInput(
                kind="multiple", text="您使用过哪些办事渠道", options=("窗口", "网上", "自助机")
            ),
            QuestionInput(kind="scale", text="总体满意度（1–5 分）"),
            QuestionInput(kind="text", text="其他意见建议", is_required=False),
        ):
            survey_question_add(survey=survey, data=question, actor=leader)
        survey = survey_set_status(survey=survey, status="open", actor=leader)
        copies = survey_paper_batch_create(survey=survey, count=12, actor=leader)

    def answers() -> dict[str, object]:
        once = rng.random() < 0.8
        result: dict[str, object] = {
            "Q1": "A" if once else "B",
            "Q3": sorted(rng.sample(["A", "B", "C"], rng.randint(1, 2))),
            "Q4": rng.choice([5, 5, 4, 4, 3]) if once else rng.choice([2, 3]),
        }
        if not once:
            result["Q2"] = rng.choice(["材料退回补正一次", "系统故障，改天再来"])
        return result

    with clock.at(_at(held, 11, 30)):
        for _ in range(6):
            survey_response_submit(survey=survey, answers=answers(), actor=None)
    entry_day = calendar_day_after(held)
    with clock.at(_at(entry_day, 14)):
        for copy in copies[:8]:
            survey_paper_enter(survey=survey, serial=copy.serial, answers=answers(), actor=clerk)


def calendar_day_after(day: dt.date) -> dt.date:
    return work_calendar().add_working_days(day, 3).day

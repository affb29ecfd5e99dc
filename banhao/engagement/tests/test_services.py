"""Engagement services against a real database: suggestions tracked to a result, forums,
surveys (conditions, anonymity, paper serials)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from banhao.audit.models import AuditEntry
from banhao.engagement import services as s
from banhao.engagement.models import ForumInvitee, Suggestion, SurveyResponse
from banhao.engagement.selectors import (
    accountability_stats,
    paper_next_serial,
    suggestion_row,
    survey_export_rows,
    survey_results,
)
from banhao.engagement.tests.factories import (
    make_forum,
    make_suggestion,
    make_survey,
    photo,
)
from banhao.notifications.models import Notification
from banhao.org.models import Department
from banhao.shared.errors import Conflict, NotFound, ValidationFailed
from banhao_core.suggestions import Light

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 27)  # Friday (the world's frozen clock)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def housing() -> Department:
    return Department.objects.get(name="住房和城乡建设局")


# -- suggestions --------------------------------------------------------------------------------


def test_a_suggestion_is_tracked_from_registration_to_closed(
    world, django_capture_on_commit_callbacks
):
    leader, reviewer = world.user("lingdao"), world.user("zhujian")
    forum = make_forum(leader, held_on=dt.date(2026, 11, 20))
    suggestion = make_suggestion(leader, forum=forum)
    assert suggestion.number == "JY202611270001"
    assert suggestion.status == "registered"
    # Raised at the forum's date; the raiser's name and phone are encrypted at rest.
    assert suggestion.raised_at.astimezone(SHANGHAI).date() == dt.date(2026, 11, 20)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT raiser_name, raiser_phone FROM engagement_suggestion WHERE id = %s",
            [suggestion.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert "孙代表" not in stored and "13605431111" not in stored
    assert suggestion.raiser_phone == "13605431111"

    with django_capture_on_commit_callbacks(execute=False):
        suggestion = s.suggestion_assign(
            suggestion=suggestion, department=housing(), actor=leader, working_days=5
        )
    assert (suggestion.status, suggestion.deadline) == ("assigned", dt.date(2026, 12, 4))
    assert Notification.objects.filter(recipient=reviewer, title__contains="意见建议交办").exists()
    assert suggestion_row(suggestion).light == Light.GREEN

    suggestion = s.suggestion_start(suggestion=suggestion, actor=reviewer)
    assert suggestion.owner_user == reviewer
    suggestion = s.suggestion_answer(
        suggestion=suggestion,
        response="自 12 月 1 日起住建窗口实行午间延时服务。",
        public_summary="已实行午间延时服务（12:00–13:30）。",
        actor=reviewer,
    )
    assert suggestion.status == "answered"
    with pytest.raises(ValidationFailed) as missing:
        s.suggestion_close(suggestion=suggestion, actor=reviewer)
    assert missing.value.code == "evidence_required"
    s.suggestion_evidence_add(suggestion=suggestion, upload=photo(), actor=reviewer)
    suggestion = s.suggestion_close(
        suggestion=Suggestion.objects.get(pk=suggestion.pk), actor=reviewer
    )
    assert suggestion.status == "closed" and suggestion.closed_at is not None
    kinds = list(suggestion.events.values_list("kind", flat=True))
    assert kinds == ["登记", "交办", "开始办理", "答复", "上传佐证", "办结"]
    actions = set(
        AuditEntry.objects.filter(object_id=str(suggestion.pk)).values_list("action", flat=True)
    )
    assert {"engagement.suggestion_register", "engagement.suggestion_close"} <= actions
    assert accountability_stats().closed == 1


def test_a_suggestion_recorded_during_todays_forum_is_raised_now(db, holidays_loaded):
    from banhao.cases.tests.conftest import build_world

    early = dt.datetime(2026, 11, 27, 8, 15, tzinfo=SHANGHAI)  # before 9:00 on the forum's day
    with time_machine.travel(early, tick=False):
        leader = build_world().user("lingdao")
        suggestion = make_suggestion(leader, forum=make_forum(leader, held_on=early.date()))
        assert suggestion.raised_at == early


def test_deadline_across_national_day_and_the_lights(db, holidays_loaded):
    from banhao.cases.tests.conftest import build_world

    with time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), tick=False) as t:
        world = build_world()
        leader = world.user("lingdao")
        suggestion = make_suggestion(leader)
        suggestion = s.suggestion_assign(
            suggestion=suggestion, department=housing(), actor=leader, working_days=5
        )
        # 10-01…10-07 off, Saturday 10-10 a make-up working day.
        assert suggestion.deadline == dt.date(2026, 10, 13)
        assert suggestion_row(suggestion).light == Light.GREEN
        t.move_to(dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI))
        assert suggestion_row(suggestion).light == Light.YELLOW
        t.move_to(dt.datetime(2026, 10, 14, 10, tzinfo=SHANGHAI))
        row = suggestion_row(suggestion)
        assert (row.light, row.remaining_working_days) == (Light.RED, -1)


def test_other_departments_and_applicants_cannot_touch_a_suggestion(world):
    leader = world.user("lingdao")
    suggestion = make_suggestion(leader)
    suggestion = s.suggestion_assign(suggestion=suggestion, department=housing(), actor=leader)
    for outsider in ("ziran", "zhangsan", "chuangkou"):
        with pytest.raises(NotFound):
            s.suggestion_start(suggestion=suggestion, actor=world.user(outsider))
    with pytest.raises(NotFound):
        s.suggestion_assign(
            suggestion=suggestion, department=housing(), actor=world.user("zhujian")
        )
    with pytest.raises(NotFound):
        make_suggestion(world.user("chuangkou"))


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ("answer_before_assign", "suggestion_transition_refused"),
        ("close_before_answer", "suggestion_transition_refused"),
        ("stale", "stale"),
    ],
)
def test_refused_steps_change_nothing(world, step, code):
    leader = world.user("lingdao")
    suggestion = make_suggestion(leader)
    with pytest.raises(Conflict) as refused:
        if step == "answer_before_assign":
            s.suggestion_answer(
                suggestion=suggestion, response="答", public_summary="答", actor=leader
            )
        elif step == "close_before_answer":
            s.suggestion_close(suggestion=suggestion, actor=leader)
        else:
            s.suggestion_assign(
                suggestion=suggestion, department=housing(), actor=leader, expected_version=7
            )
    assert refused.value.code == code
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    assert (fresh.status, fresh.row_version, fresh.events.count()) == ("registered", 0, 1)


def test_decline_publishes_the_reason(world):
    leader = world.user("lingdao")
    suggestion = make_suggestion(leader, title="取消所有收费")
    with pytest.raises(ValidationFailed):
        s.suggestion_decline(suggestion=suggestion, reason=" ", actor=leader)
    suggestion = s.suggestion_decline(
        suggestion=suggestion, reason="行政事业性收费由法律法规设定，本局无权取消。", actor=leader
    )
    assert suggestion.status == "declined"
    assert suggestion.public_summary.startswith("行政事业性收费")


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (60, True), (61, False)])
def test_assign_working_days_bounds(world, days, ok):
    leader = world.user("lingdao")
    suggestion = make_suggestion(leader)
    if ok:
        s.suggestion_assign(
            suggestion=suggestion, department=housing(), actor=leader, working_days=days
        )
    else:
        with pytest.raises(ValidationFailed):
            s.suggestion_assign(
                suggestion=suggestion, department=housing(), actor=leader, working_days=days
            )


def test_online_submission_anonymous_and_named(world):
    anonymous = s.suggestion_submit_online(
        data=s.SuggestionInput(
            kind="gripe",
            title="停车难",
            content="中心门口车位太少",
            raiser_name="王五",
            raiser_phone="13900000000",
            is_anonymous=True,
        ),
        centre=world.centre,
        actor=world.user("zhangsan"),
    )
    assert (anonymous.raiser_name, anonymous.raiser_phone, anonymous.raised_by) == ("", "", None)
    entry = AuditEntry.objects.get(action="engagement.suggestion_submit_online")
    assert entry.details["anonymous"] is True and entry.actor is None
    with pytest.raises(ValidationFailed) as nameless:
        s.suggestion_submit_online(
            data=s.SuggestionInput(kind="suggestion", title="建议", content="内容"),
            centre=world.centre,
            actor=None,
        )
    assert nameless.value.code == "name_or_anonymous"
    named = s.suggestion_submit_online(
        data=s.SuggestionInput(kind="complaint", title="态度", content="内容", raiser_name="张三"),
        centre=world.centre,
        actor=world.user("zhangsan"),
    )
    assert named.raised_by == world.user("zhangsan")
    assert named.source == "online" and named.number == "JY202611270002"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "rant", "invalid_choice"),
        ("title", "", "required"),
        ("content", "字" * 4001, "too_long"),
        ("raiser_phone", "abc", "invalid_phone"),
    ],
)
def test_online_submission_bad_input_is_refused(world, field, value, code):
    data = {
        "kind": "suggestion",
        "title": "建议",
        "content": "内容",
        "raiser_name": "王五",
        field: value,
    }
    with pytest.raises(ValidationFailed) as refused:
        s.suggestion_submit_online(data=s.SuggestionInput(**data), centre=world.centre, actor=None)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Suggestion.objects.exists()


# -- forums -------------------------------------------------------------------------------------


def test_forum_planning_invitations_attendance_minutes(world, django_capture_on_commit_callbacks):
    leader = world.user("lingdao")
    forum = make_forum(leader, held_on=dt.date(2026, 12, 3))
    company = s.forum_invitee_add(
        forum=forum,
        category="enterprise",
        name="刘经理",
        organisation="鲁信建设",
        phone="13805431234",
        actor=leader,
        user=world.user("qiye"),
    )
    deputy = s.forum_invitee_add(
        forum=forum,
        category="npc_deputy",
        name="孙代表",
        organisation="市人大",
        phone="13605431111",
        actor=leader,
    )
    s.forum_contact_add(
        forum=forum,
        name="郑局长",
        position="局长",
        unit="局领导",
        phone="0543-4321000",
        available_24h=True,
        actor=leader,
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert s.forum_invitations_send(forum=forum, actor=leader) == 2
    assert s.forum_invitations_send(forum=forum, actor=leader) == 0  # once only
    note = Notification.objects.get(recipient=world.user("qiye"))
    assert "民说民评" in note.title and "2026年12月03日" in note.body
    # Attendance only on or after the day; marking held before the day is refused too.
    with pytest.raises(ValidationFailed):
        s.forum_attendance_record(forum=forum, attended_ids=[company.pk], actor=leader)
    with pytest.raises(ValidationFailed):
        s.forum_update(forum=forum, data=_same(forum), minutes="", status="held", actor=leader)
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=SHANGHAI), tick=False):
        assert s.forum_attendance_record(forum=forum, attended_ids=[deputy.pk], actor=leader) == 1
        with pytest.raises(ValidationFailed) as minutes:
            s.forum_update(
                forum=forum, data=_same(forum), minutes="", status="archived", actor=leader
            )
        assert minutes.value.code == "minutes_required"
        forum = s.forum_update(
            forum=forum,
            data=_same(forum),
            minutes="代表提出建议 2 条。",
            status="archived",
            actor=leader,
        )
    assert dict(ForumInvitee.objects.values_list("name", "attended")) == {
        "刘经理": False,
        "孙代表": True,
    }
    with pytest.raises(Conflict):
        s.forum_update(
            forum=forum, data=_same(forum), minutes="改", status="archived", actor=leader
        )


def _same(forum) -> s.ForumInput:
    return s.ForumInput(
        theme=forum.theme, held_on=forum.held_on, place=forum.place, agenda=forum.agenda
    )


def test_forums_belong_to_managers(world):
    for name in ("chuangkou", "zhujian", "zhangsan"):
        with pytest.raises(NotFound):
            make_forum(world.user(name), held_on=TODAY)
    forum = make_forum(world.user("shenpi"), held_on=TODAY)
    with pytest.raises(NotFound):
        s.forum_invitee_add(
            forum=forum,
            category="citizen",
            name="王五",
            organisation="",
            phone="",
            actor=world.user("zhujian"),
        )


# -- surveys ------------------------------------------------------------------------------------


def test_survey_builder_refuses_bad_conditions_and_edits_after_publishing(world):
    leader = world.user("lingdao")
    survey = make_survey(leader, publish=False)
    with pytest.raises(ValidationFailed) as forward:
        s.survey_question_add(
            survey=survey,
            data=s.QuestionInput(
                kind="text", text="引用后面的题", condition_question="Q9", condition_values=("A",)
            ),
            actor=leader,
        )
    assert forward.value.code == "condition_unknown_question"
    with pytest.raises(ValidationFailed) as value:
        s.survey_question_add(
            survey=survey,
            data=s.QuestionInput(
                kind="text", text="不存在的选项", condition_question="Q1", condition_values=("Z",)
            ),
            actor=leader,
        )
    assert value.value.code == "condition_unknown_value"
    with pytest.raises(Conflict):
        s.survey_question_remove(
            survey=survey, question=survey.questions.get(code="Q1"), actor=leader
        )
    survey = s.survey_set_status(survey=survey, status="open", actor=leader)
    with pytest.raises(Conflict):
        s.survey_question_add(
            survey=survey, data=s.QuestionInput(kind="scale", text="新题"), actor=leader
        )


def test_an_empty_survey_cannot_be_published(world):
    leader = world.user("lingdao")
    survey = s.survey_create(
        title="空问卷", intro="", is_anonymous=True, actor=leader, code="empty"
    )
    with pytest.raises(ValidationFailed) as refused:
        s.survey_set_status(survey=survey, status="open", actor=leader)
    assert refused.value.code == "survey_empty"


def test_online_answers_anonymous_survey_records_nobody(world):
    survey = make_survey(world.user("lingdao"))
    response = s.survey_response_submit(
        survey=survey,
        answers={"Q1": "B", "Q2": "材料退回两次", "Q3": ["A", "C"], "Q4": "2", "Q5": "等候久"},
        actor=world.user("zhangsan"),
    )
    assert response.respondent is None and response.channel == "online"
    assert response.answers == {
        "Q1": "B",
        "Q2": "材料退回两次",
        "Q3": ["A", "C"],
        "Q4": 2,
        "Q5": "等候久",
    }
    entry = AuditEntry.objects.get(action="engagement.survey_response_submit")
    assert entry.actor is None and entry.actor_label == "system"
    with pytest.raises(ValidationFailed) as hidden:
        s.survey_response_submit(
            survey=survey, answers={"Q1": "A", "Q2": "夹带", "Q3": ["A"], "Q4": 5}, actor=None
        )
    assert hidden.value.code == "hidden_question_answered"
    assert SurveyResponse.objects.count() == 1


def test_identified_survey_needs_login_and_takes_one_answer_per_person(world):
    survey = make_survey(world.user("lingdao"), code="shiming", anonymous=False)
    answers = {"Q1": "A", "Q3": ["B"], "Q4": 5}
    with pytest.raises(ValidationFailed):
        s.survey_response_submit(survey=survey, answers=answers, actor=None)
    s.survey_response_submit(survey=survey, answers=answers, actor=world.user("zhangsan"))
    with pytest.raises(Conflict):
        s.survey_response_submit(survey=survey, answers=answers, actor=world.user("zhangsan"))


def test_closed_survey_takes_no_answers(world):
    leader = world.user("lingdao")
    survey = s.survey_set_status(survey=make_survey(leader), status="closed", actor=leader)
    with pytest.raises(Conflict):
        s.survey_response_submit(survey=survey, answers={"Q1": "A"}, actor=None)


def test_paper_serials_are_unique_and_entered_once(world):
    leader, clerk = world.user("lingdao"), world.user("chuangkou")
    survey = make_survey(leader)
    first = s.survey_paper_batch_create(survey=survey, count=3, actor=leader)
    second = s.survey_paper_batch_create(survey=survey, count=2, actor=leader)
    serials = [c.serial for c in first + second]
    assert serials == [f"msmp-2026q4-{n:05d}" for n in range(1, 6)]
    assert {c.batch for c in second} == {2}
    answers = {"Q1": "A", "Q3": ["A"], "Q4": 4}
    s.survey_paper_enter(survey=survey, serial="MSMP-2026Q4-00002 ", answers=answers, actor=clerk)
    with pytest.raises(Conflict) as again:
        s.survey_paper_enter(
            survey=survey, serial="msmp-2026q4-00002", answers=answers, actor=clerk
        )
    assert again.value.code == "serial_already_entered"
    assert "不能重复录入" in again.value.message
    with pytest.raises(ValidationFailed) as unknown:
        s.survey_paper_enter(
            survey=survey, serial="msmp-2026q4-09999", answers=answers, actor=clerk
        )
    assert unknown.value.code == "serial_unknown"
    with pytest.raises(NotFound):
        s.survey_paper_enter(
            survey=survey, serial="msmp-2026q4-00003", answers=answers, actor=world.user("zhangsan")
        )
    assert paper_next_serial(survey) == "msmp-2026q4-00001"
    assert SurveyResponse.objects.filter(channel="paper").count() == 1


def test_results_report_paper_and_online_together_and_apart(world):
    leader, clerk = world.user("lingdao"), world.user("chuangkou")
    survey = make_survey(leader)
    copies = s.survey_paper_batch_create(survey=survey, count=2, actor=leader)
    s.survey_paper_enter(
        survey=survey,
        serial=copies[0].serial,
        answers={"Q1": "A", "Q3": ["A"], "Q4": 5},
        actor=clerk,
    )
    s.survey_paper_enter(
        survey=survey,
        serial=copies[1].serial,
        answers={"Q1": "A", "Q3": ["A", "B"], "Q4": 4},
        actor=clerk,
    )
    s.survey_response_submit(
        survey=survey,
        answers={"Q1": "B", "Q2": "跑两次", "Q3": ["B"], "Q4": 2, "Q5": "慢"},
        actor=None,
    )
    results = survey_results(survey)
    assert (results.total, results.paper, results.online) == (3, 2, 1)
    assert results.by_channel["total"]["Q1"].counts == {"A": 2, "B": 1}
    assert results.by_channel["paper"]["Q1"].counts == {"A": 2, "B": 0}
    assert results.by_channel["online"]["Q1"].counts == {"A": 0, "B": 1}
    assert results.by_channel["paper"]["Q4"].mean == pytest.approx(4.5)
    assert results.by_channel["total"]["Q2"].shown == 1


def test_export_of_an_anonymous_survey_has_no_identity_columns(world):
    leader, clerk = world.user("lingdao"), world.user("chuangkou")
    anonymous = make_survey(leader)
    copy = s.survey_paper_batch_create(survey=anonymous, count=1, actor=leader)[0]
    s.survey_paper_enter(
        survey=anonymous, serial=copy.serial, answers={"Q1": "A", "Q3": ["A"], "Q4": 5}, actor=clerk
    )
    s.survey_response_submit(
        survey=anonymous, answers={"Q1": "A", "Q3": ["C"], "Q4": 3}, actor=world.user("zhangsan")
    )
    header, rows = survey_export_rows(anonymous)
    assert header[:3] == ["序号", "渠道", "提交日期"] and "答卷人" not in header
    flat = " ".join(" ".join(row) for row in rows)
    assert copy.serial not in flat and "zhangsan" not in flat and "张三" not in flat
    assert (rows[0][3], rows[0][4], rows[0][5]) == ("是", "", "窗口")  # Q2 hidden: empty

    named = make_survey(leader, code="shiming", anonymous=False)
    s.survey_response_submit(
        survey=named, answers={"Q1": "A", "Q3": ["C"], "Q4": 3}, actor=world.user("zhangsan")
    )
    header, rows = survey_export_rows(named)
    assert "答卷人" in header and "张三" in " ".join(rows[0])


def test_suggestions_link_service_items_by_code(world):
    leader = world.user("lingdao")
    data = s.SuggestionInput(
        kind="suggestion",
        title="施工许可材料共享",
        content="营业执照能否共享免交",
        raiser_name="刘经理",
        service_item_codes=["371681-XK-0001", " "],
    )
    suggestion = s.suggestion_register(data=data, source="online", actor=leader)
    assert [i.code for i in suggestion.service_items.all()] == ["371681-XK-0001"]
    from banhao.engagement.selectors import linked_items

    assert linked_items(suggestion) == [("371681-XK-0001", "建筑工程施工许可证核发")]
    with pytest.raises(ValidationFailed) as unknown:
        s.suggestion_register(
            data=s.SuggestionInput(
                kind="suggestion", title="t", content="c", service_item_codes=["NOPE-1"]
            ),
            source="online",
            actor=leader,
        )
    assert unknown.value.code == "unknown_item" and "NOPE-1" in unknown.value.message
    assert Suggestion.objects.count() == 1

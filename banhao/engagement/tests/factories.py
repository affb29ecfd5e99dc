"""Builders for engagement tests (and the permission matrix): everything goes through the
real services, with deterministic content."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banhao.accounts.models import User
from banhao.engagement.models import Forum, Suggestion, Survey
from banhao.engagement.services import (
    ForumInput,
    QuestionInput,
    SuggestionInput,
    forum_contact_add,
    forum_create,
    forum_invitee_add,
    suggestion_assign,
    suggestion_evidence_add,
    suggestion_register,
    survey_create,
    survey_paper_batch_create,
    survey_question_add,
    survey_set_status,
)
from banhao.org.models import Department
from banhao.shared import clock


def photo(name: str = "整改后.png") -> SimpleUploadedFile:
    """A small valid PNG (evidence of a result)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def make_forum(
    actor: User, *, held_on: dt.date, theme: str = "优化营商环境民说民评恳谈会"
) -> Forum:
    return forum_create(
        data=ForumInput(
            theme=theme,
            held_on=held_on,
            place="邹平市政务服务中心三楼会议室",
            start_time=dt.time(9, 0),
            agenda="一、通报工作\n二、代表发言\n三、现场答复",
        ),
        actor=actor,
    )


def make_suggestion(
    actor: User,
    *,
    forum: Forum | None = None,
    title: str = "延长午间办理时间",
    raiser_name: str = "孙代表",
    raiser_phone: str = "13605431111",
) -> Suggestion:
    return suggestion_register(
        data=SuggestionInput(
            kind="suggestion",
            title=title,
            content="中午 12 点到 13 点半窗口无人，上班族办事不便，建议实行午间延时服务。",
            raiser_name=raiser_name,
            raiser_phone=raiser_phone,
            raiser_category="npc_deputy",
        ),
        source="forum" if forum else "online",
        forum=forum,
        actor=actor,
    )


#: The sample survey's questions (Q2 only when Q1 = B; Q5 only when Q4 ≤ 2).
SAMPLE_QUESTIONS = (
    QuestionInput(kind="single", text="您的事项是否一次办好", options=("是", "否")),
    QuestionInput(
        kind="text", text="没有一次办好的原因", condition_question="Q1", condition_values=("B",)
    ),
    QuestionInput(kind="multiple", text="您使用过哪些办事渠道", options=("窗口", "网上", "自助机")),
    QuestionInput(kind="scale", text="总体满意度（1–5 分）"),
    QuestionInput(
        kind="text", text="不满意的主要原因", condition_question="Q4", condition_values=("1", "2")
    ),
    QuestionInput(kind="text", text="其他意见建议", is_required=False),
)


def make_survey(
    actor: User, *, code: str = "msmp-2026q4", anonymous: bool = True, publish: bool = True
) -> Survey:
    survey = survey_create(
        title="2026 年第四季度政务服务满意度问卷",
        intro="本问卷不记名，请根据真实感受填写。",
        is_anonymous=anonymous,
        code=code,
        actor=actor,
    )
    for question in SAMPLE_QUESTIONS:
        survey_question_add(survey=survey, data=question, actor=actor)
    if publish:
        survey = survey_set_status(survey=survey, status="open", actor=actor)
    return survey


# -- the permission matrix's objects ---------------------------------------------------------------

MATRIX_THEME = "权限矩阵民说民评会议"


@dataclass(frozen=True)
class MatrixObjects:
    """One of each object behind the engagement routes: a forum held today (planned) with an
    invitee and a contact, a suggestion raised there and assigned to 住房和城乡建设局 with
    one evidence file, and an open anonymous survey with two printed copies."""

    forum: Forum
    invitee_id: int
    suggestion: Suggestion
    evidence_id: int
    survey: Survey
    question_id: int
    spare_serial: str


def matrix_objects(leader: User) -> MatrixObjects:
    """Get or create the matrix's objects (each matrix test runs in a rolled-back savepoint,
    so they are made at most once per test)."""
    forum = Forum.objects.filter(theme=MATRIX_THEME).first()
    if forum is None:
        forum = make_forum(leader, held_on=clock.today(), theme=MATRIX_THEME)
        forum_invitee_add(
            forum=forum,
            category="citizen",
            name="王群众",
            organisation="",
            phone="13700000000",
            actor=leader,
        )
        forum_contact_add(
            forum=forum,
            name="郑局长",
            position="局长",
            unit="局领导",
            phone="0543-4321000",
            available_24h=True,
            actor=leader,
        )
        suggestion = make_suggestion(leader, forum=forum)
        suggestion = suggestion_assign(
            suggestion=suggestion,
            department=Department.objects.get(name="住房和城乡建设局"),
            actor=leader,
        )
        suggestion_evidence_add(suggestion=suggestion, upload=photo(), actor=leader)
        survey = make_survey(leader, code="matrix")
        survey_paper_batch_create(survey=survey, count=2, actor=leader)
    suggestion = Suggestion.objects.get(forum=forum)
    survey = Survey.objects.get(code="matrix")
    invitee = forum.invitees.get()
    evidence = suggestion.evidence.get()
    question = survey.questions.get(code="Q1")
    spare = survey.paper_copies.order_by("serial").last()
    assert spare is not None
    return MatrixObjects(
        forum=forum,
        invitee_id=invitee.pk,
        suggestion=suggestion,
        evidence_id=evidence.pk,
        survey=survey,
        question_id=question.pk,
        spare_serial=spare.serial,
    )

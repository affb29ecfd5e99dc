"""The 施工许可 story through the services: window accepts, three departments approve in
parallel, the approver decides, the licence is delivered and the case closed — one day."""

from __future__ import annotations

import datetime as dt

import pytest

from banhao.audit.models import AuditEntry
from banhao.cases.access import access_case, visible_cases
from banhao.cases.models import Case, CaseEvent, CaseMaterial, ReviewTask
from banhao.cases.services import (
    ReceivedMaterial,
    case_accept,
    case_close,
    case_decide,
    case_deliver,
    case_register_at_window,
    materials_for,
    review_task_decide,
)
from banhao.shared.errors import Conflict, NotFound, ValidationFailed

from .conftest import World, company_applicant, permit_answers


def register(world: World) -> Case:
    version = world.permit
    answers = permit_answers(version, supervised=True, agent=False)
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
        for m in materials_for(version, answers)
        if m.necessity in ("required", "deferrable")
    ]
    return case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=version,
        applicant=company_applicant(),
        situation_answers=answers,
        received=received,
    )


def test_construction_permit_story_on_one_working_day(world: World) -> None:
    case = register(world)
    assert case.state == "received"
    assert case.number.startswith("37168120261127")
    # Materials from the 电子证照库 are not asked for (国务院令第716号 Art.7).
    shared = case.materials.filter(status=CaseMaterial.Status.SHARED).values_list("name", flat=True)
    assert "建设工程规划许可证" in set(shared)
    # The situation 本人办理 does not ask for a power of attorney.
    assert not case.materials.filter(name__startswith="授权委托书").exists()

    case = case_accept(case=case, actor=world.user("chuangkou"))
    assert case.state == "in_progress"
    assert case.acceptance_number.startswith("邹审服受字〔2026〕")
    # Accepted Friday 2026-11-27: 1 working day → Monday 2026-11-30; legal 7 → 2026-12-08.
    assert case.promised_due == dt.date(2026, 11, 30)
    assert case.legal_due == dt.date(2026, 12, 8)
    tasks = list(case.review_tasks.order_by("order"))
    assert [t.department.name for t in tasks] == [
        "住房和城乡建设局",
        "自然资源和规划局",
        "消防救援大队",
    ]
    assert {t.state for t in tasks} == {"pending"}

    with pytest.raises(ValidationFailed) as early:
        case_decide(case=case, actor=world.user("shenpi"), approve=True)
    assert early.value.code == "review_incomplete"

    for reviewer, task in zip(("xiaofang", "ziran", "zhujian"), reversed(tasks), strict=True):
        review_task_decide(task=task, actor=world.user(reviewer), approve=True, opinion="同意")
    case = Case.objects.get(pk=case.pk)
    case = case_decide(case=case, actor=world.user("shenpi"), approve=True, reason="符合条件")
    assert case.state == "decided_approved"
    case = case_deliver(case=case, actor=world.user("chuangkou"), method="electronic")
    case = case_close(case=case, actor=world.user("chuangkou"))
    assert case.state == "closed"

    steps = list(CaseEvent.objects.filter(case=case).values_list("kind", "action"))
    assert [k for k, _ in steps] == [
        "registered_at_window",
        "accepted",
        "review_started",
        "review_approved",
        "review_approved",
        "review_approved",
        "approved",
        "delivery_started",
        "closed",
    ]
    assert (
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="cases.").count() >= 9
    )


def test_two_approvals_of_the_same_task_produce_one_effect(world: World) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    task = ReviewTask.objects.get(case=case, department__name="住房和城乡建设局")
    seen = task.row_version
    review_task_decide(
        task=task, actor=world.user("zhujian"), approve=True, opinion="同意", expected_version=seen
    )
    with pytest.raises(Conflict) as stale:
        review_task_decide(
            task=task,
            actor=world.user("zhujian"),
            approve=False,
            opinion="不同意",
            expected_version=seen,
        )
    assert "已被他人处理" in stale.value.message
    with pytest.raises(Conflict) as again:
        review_task_decide(task=task, actor=world.user("zhujian"), approve=True, opinion="同意")
    assert again.value.code == "task_already_decided"
    assert (
        CaseEvent.objects.filter(case=case, kind__in=["review_approved", "review_rejected"]).count()
        == 1
    )


def test_reviewers_only_reach_their_departments_tasks(world: World) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    task = ReviewTask.objects.get(case=case, department__name="住房和城乡建设局")
    with pytest.raises(NotFound):
        review_task_decide(task=task, actor=world.user("xiaofang"), approve=True, opinion="同意")
    with pytest.raises(NotFound):
        access_case(world.user("zhangsan"), case.number)
    assert access_case(world.user("qiye"), case.number) == case  # the company's own case
    assert access_case(world.user("xiaofang"), case.number) == case
    assert visible_cases(world.user("zhangsan")).count() == 0


def test_a_rejection_collects_reasons_and_allows_only_a_refusal(world: World) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    fire = ReviewTask.objects.get(case=case, department__name="消防救援大队")
    with pytest.raises(ValidationFailed) as no_reason:
        review_task_decide(task=fire, actor=world.user("xiaofang"), approve=False, opinion=" ")
    assert no_reason.value.code == "opinion_required"
    review_task_decide(
        task=fire, actor=world.user("xiaofang"), approve=False, opinion="消防车道宽度不足"
    )
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(ValidationFailed) as approve:
        case_decide(case=case, actor=world.user("shenpi"), approve=True)
    assert approve.value.code == "review_rejected"
    with pytest.raises(ValidationFailed) as rights:
        case_decide(case=case, actor=world.user("shenpi"), approve=False, reason="消防条件不符")
    assert rights.value.code == "rights_notice_required"
    case = case_decide(
        case=case,
        actor=world.user("shenpi"),
        approve=False,
        reason="消防条件不符",
        rights_notified=True,
    )
    assert case.state == "decided_rejected"
    assert not case.review_tasks.filter(state="pending").exists()

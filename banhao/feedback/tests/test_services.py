"""好差评 through the services with a real database: the rating window, 追评, code systems,
差评 routing and deadlines across holidays, the loop, appeals, policy, invitations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from banhao.audit.models import AuditEntry
from banhao.cases.models import Case
from banhao.feedback import services
from banhao.feedback.models import Appeal, Complaint, FeedbackPolicy, Rating
from banhao.feedback.selectors import case_rating_status, publication_month
from banhao.feedback.services import RatingInput
from banhao.feedback.tests.factories import PDF, accepted_case, bad_rating_input, close_case, rate
from banhao.notifications.models import Notification
from banhao.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from banhao_core.ratings import (
    AppealGround,
    CodeSystem,
    ComplaintState,
    Disposition,
    FixVerdict,
    Level,
    RatingChannel,
    ServiceEvent,
)

from .conftest import SHANGHAI_AT, World, company_applicant

pytestmark = pytest.mark.django_db


def good(level: Level = Level.VERY_SATISFIED, **extra: Any) -> RatingInput:
    return RatingInput(event=ServiceEvent.CLOSE, channel=RatingChannel.PC, level=level, **extra)


# -- ratings -----------------------------------------------------------------------------------


def test_applicant_rates_a_closed_case_once_and_follows_up_once(world: World, closed: Case) -> None:
    zhangsan = world.user("zhangsan")
    first = services.rating_submit(case=closed, data=good(), actor=zhangsan)
    assert (first.assess_number, first.level, first.rater) == (1, "very_satisfied", zhangsan)
    assert first.department.name == "行政审批服务局（投资建设审批科）"  # 谁办理
    assert first.staff == world.user("chuangkou")  # 受理人
    assert first.indicator_set == "online"
    with pytest.raises(ValidationFailed) as again:
        services.rating_submit(case=closed, data=good(), actor=zhangsan)
    assert again.value.code == "already_rated"
    follow_up = services.rating_follow_up(case=closed, data=good(Level.SATISFIED), actor=zhangsan)
    assert follow_up.assess_number == 2
    with pytest.raises(ValidationFailed) as third:
        services.rating_follow_up(case=closed, data=good(), actor=zhangsan)
    assert third.value.code == "follow_up_used"
    assert Rating.objects.filter(case=closed).count() == 2
    assert AuditEntry.objects.filter(action="feedback.rating_follow_up").count() == 1


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        # Closed Friday 2026-11-27; 5 working days → Friday 2026-12-04 (inclusive).
        (dt.datetime(2026, 12, 4, 17, 0), True),
        (dt.datetime(2026, 12, 5, 9, 0), False),
        (dt.datetime(2026, 12, 7, 9, 0), False),
    ],
)
def test_rating_window_is_five_working_days_after_close(
    world: World, closed: Case, moment: dt.datetime, allowed: bool
) -> None:
    with time_machine.travel(SHANGHAI_AT(moment), tick=False):
        if allowed:
            services.rating_submit(case=closed, data=good(), actor=world.user("zhangsan"))
        else:
            with pytest.raises(ValidationFailed) as error:
                services.rating_submit(case=closed, data=good(), actor=world.user("zhangsan"))
            assert error.value.code == "rating_window_closed"
            assert not Rating.objects.filter(case=closed).exists()


def test_rating_window_follows_the_policy(world: World, closed: Case) -> None:
    services.feedback_policy_update(actor=world.user("admin"), rating_window_days=1)
    with (
        time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 1, 9, 0)), tick=False),
        pytest.raises(ValidationFailed),
    ):
        services.rating_submit(case=closed, data=good(), actor=world.user("zhangsan"))


def test_an_open_case_can_be_rated_for_its_acceptance_but_not_for_its_close(world: World) -> None:
    case = accepted_case(world.permit, world.users, company_applicant())
    with pytest.raises(ValidationFailed) as error:
        services.rating_submit(case=case, data=good(), actor=None)
    assert error.value.code == "event_not_happened"
    window = RatingInput(
        event=ServiceEvent.ACCEPTANCE, channel=RatingChannel.QR_CODE, level=Level.SATISFIED
    )
    rating = services.rating_submit(case=case, data=window, actor=None)
    assert (rating.rater, rating.indicator_set, rating.channel) == (None, "window", "3")


@pytest.mark.parametrize(
    ("code", "system", "level"),
    [
        (1, CodeSystem.GBT39046, "very_satisfied"),
        (1, CodeSystem.PROVINCIAL, "very_dissatisfied"),
        (4, CodeSystem.GBT39046, "dissatisfied"),
        (4, CodeSystem.PROVINCIAL, "satisfied"),
    ],
)
def test_a_number_is_stored_with_its_code_system(
    world: World, closed: Case, code: int, system: CodeSystem, level: str
) -> None:
    data = RatingInput(
        event=ServiceEvent.CLOSE,
        channel=RatingChannel.MOBILE,
        code=code,
        code_system=system,
        option_codes=["B01"] if level in ("dissatisfied", "very_dissatisfied") else [],
    )
    rating = services.rating_submit(case=closed, data=data, actor=world.user("zhangsan"))
    assert (rating.level, rating.submitted_code, rating.submitted_code_system) == (
        level,
        code,
        system.value,
    )


def test_a_number_without_code_system_is_refused(world: World, closed: Case) -> None:
    data = RatingInput(event=ServiceEvent.CLOSE, channel=RatingChannel.PC, code=1)
    with pytest.raises(ValidationFailed) as error:
        services.rating_submit(case=closed, data=data, actor=world.user("zhangsan"))
    assert error.value.code == "code_system_required"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (good(Level.DISSATISFIED), "option_required"),
        (good(Level.SATISFIED, option_codes=["B01"]), "options_not_allowed"),
        (good(indicators={"service_attitude": Level.SATISFIED}), "unknown_indicator"),
        (good(text="长" * 501), "too_long"),
        (
            RatingInput(
                event=ServiceEvent.CLOSE,
                channel=RatingChannel.SYSTEM_DEFAULT,
                level=Level.SATISFIED,
            ),
            "bad_channel",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    world: World, closed: Case, data: RatingInput, code: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.rating_submit(case=closed, data=data, actor=world.user("zhangsan"))
    assert error.value.code == code
    assert not Rating.objects.exists()
    assert not Complaint.objects.exists()


def test_invitation_after_close(world: World, closed: Case) -> None:
    invitations = Notification.objects.filter(
        recipient=world.user("zhangsan"), title__startswith="邀请您评价"
    )
    assert {n.channel for n in invitations} == {"in_app", "sms"}
    assert all(n.link == f"/feedback/cases/{closed.number}/" for n in invitations)


def test_system_default_rating_after_the_window(world: World, closed: Case) -> None:
    assert services.rating_system_default(case=closed, event=ServiceEvent.CLOSE) is None
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 7, 9, 0)), tick=False):
        rating = services.rating_system_default(case=closed, event=ServiceEvent.CLOSE)
    assert rating is not None and rating.channel == "7"
    summary = publication_month(year=2026, month=12).overall
    assert summary.total == 0  # excluded by default (policy.exclude_system_default)


# -- the 差评 loop -----------------------------------------------------------------------------


def test_bad_rating_is_routed_to_the_handling_unit_with_a_callback_deadline(
    world: World, closed: Case
) -> None:
    rate(closed, world.user("zhangsan"))
    complaint = Complaint.objects.get()
    assert complaint.department.name == "行政审批服务局（投资建设审批科）"
    assert complaint.state == ComplaintState.AWAITING_CALLBACK
    assert complaint.callback_due == dt.date(2026, 11, 30)  # Friday → Monday
    notified = Notification.objects.filter(title="收到差评，请及时回访")
    assert {n.recipient.username for n in notified} == {"shenpi"}


@pytest.mark.parametrize(
    ("rated_at", "callback_due", "disposed_at", "rectification_due"),
    [
        # 中秋 09-25…27 and 国庆 10-01…07; 09-20 (Sun) and 10-10 (Sat) are 调休 working days.
        (
            dt.datetime(2026, 9, 24, 10),
            dt.date(2026, 9, 28),
            dt.datetime(2026, 9, 28, 10),
            dt.date(2026, 10, 10),  # 09-29, 09-30, 10-08, 10-09, 10-10 (调休 Saturday)
        ),
        (
            dt.datetime(2026, 9, 30, 10),
            dt.date(2026, 10, 8),
            dt.datetime(2026, 10, 8, 10),
            dt.date(2026, 10, 14),
        ),
    ],
)
def test_loop_deadlines_across_holidays(
    world: World,
    rated_at: dt.datetime,
    callback_due: dt.date,
    disposed_at: dt.datetime,
    rectification_due: dt.date,
) -> None:
    with time_machine.travel(SHANGHAI_AT(rated_at - dt.timedelta(hours=1)), tick=False):
        case = close_case(
            accepted_case(world.permit, world.users, company_applicant()), world.users
        )
    with time_machine.travel(SHANGHAI_AT(rated_at), tick=False):
        rate(case, None)
    complaint = Complaint.objects.get()
    assert complaint.callback_due == callback_due
    shenpi = world.user("shenpi")
    with time_machine.travel(SHANGHAI_AT(disposed_at), tick=False):
        complaint = services.complaint_callback(
            complaint=complaint, notes="已电话回访", actor=shenpi
        )
        complaint = services.complaint_dispose(
            complaint=complaint, disposition=Disposition.RECTIFY, notes="增设叫号", actor=shenpi
        )
    assert complaint.rectification_due == rectification_due


def test_full_loop_immediate_fix_then_rater_rates_it(world: World, closed: Case) -> None:
    zhangsan, shenpi = world.user("zhangsan"), world.user("shenpi")
    rate(closed, zhangsan)
    complaint = Complaint.objects.get()
    with pytest.raises(Conflict):
        services.complaint_feedback_to_rater(complaint=complaint, text="x", actor=shenpi)
    complaint = services.complaint_callback(
        complaint=complaint, notes="已回访，反映等候时间长", actor=shenpi, expected_version=0
    )
    with pytest.raises(Conflict):  # a stale page
        services.complaint_dispose(
            complaint=complaint,
            disposition=Disposition.IMMEDIATE,
            notes="x",
            actor=shenpi,
            expected_version=0,
        )
    complaint = services.complaint_dispose(
        complaint=complaint, disposition=Disposition.IMMEDIATE, notes="增开窗口", actor=shenpi
    )
    assert complaint.state == ComplaintState.AWAITING_FEEDBACK
    complaint = services.complaint_feedback_to_rater(
        complaint=complaint, text="已增开综合窗口，等候时间缩短", actor=shenpi
    )
    assert Notification.objects.filter(
        recipient=zhangsan, link=f"/feedback/my/{complaint.pk}/"
    ).exists()
    with pytest.raises(NotFound):
        services.complaint_rate_fix(
            complaint=complaint, verdict=FixVerdict.SATISFIED, comment="", actor=shenpi
        )
    complaint = services.complaint_rate_fix(
        complaint=complaint, verdict=FixVerdict.SATISFIED, comment="满意", actor=zhangsan
    )
    assert (complaint.state, complaint.fix_verdict) == (ComplaintState.CLOSED, "satisfied")
    report = publication_month(year=2026, month=11)
    assert report.rectification_rate == 1.0
    assert report.outcomes[0].result == "增开窗口"


def test_other_units_may_not_handle_the_complaint(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    complaint = Complaint.objects.get()
    with pytest.raises(Forbidden):
        services.complaint_callback(complaint=complaint, notes="x", actor=world.user("zhujian"))
    assert Complaint.objects.get().state == ComplaintState.AWAITING_CALLBACK


def test_a_second_bad_follow_up_does_not_open_a_second_loop(world: World, closed: Case) -> None:
    zhangsan = world.user("zhangsan")
    rate(closed, zhangsan)
    services.rating_follow_up(
        case=closed, data=bad_rating_input(Level.VERY_DISSATISFIED), actor=zhangsan
    )
    assert Complaint.objects.count() == 1


def test_overdue_warnings_are_raised_once(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    assert services.complaint_overdue_sweep().callback_warnings == 0
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 1, 9, 0)), tick=False):
        assert services.complaint_overdue_sweep().callback_warnings == 1
        assert services.complaint_overdue_sweep().callback_warnings == 0
    assert Notification.objects.filter(title="差评回访已超期").count() == 1


# -- appeals -----------------------------------------------------------------------------------


def _appeal(world: World, closed: Case) -> Appeal:
    rate(closed, world.user("zhangsan"))
    evidence = SimpleUploadedFile("监控截图说明.pdf", PDF, content_type="application/pdf")
    return services.appeal_file(
        complaint=Complaint.objects.get(),
        ground=AppealGround.UNTRUE,
        statement="监控显示等候 3 分钟",
        evidence=evidence,
        actor=world.user("shenpi"),
    )


@pytest.mark.parametrize("upheld", [True, False])
def test_appeal_decided_by_a_leader_and_counted(
    world: World, closed: Case, upheld: bool, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    appeal = _appeal(world, closed)
    assert appeal.evidence_type == "application/pdf"
    with pytest.raises(Conflict):
        services.appeal_file(
            complaint=appeal.complaint,
            ground=AppealGround.MISTAKEN,
            statement="再次",
            actor=world.user("shenpi"),
        )
    with pytest.raises(NotFound):
        services.appeal_decide(appeal=appeal, upheld=True, reason="x", actor=world.user("shenpi"))
    services.appeal_decide(
        appeal=appeal, upheld=upheld, reason="经核实", actor=world.user("lingdao")
    )
    complaint = Complaint.objects.get()
    rating = complaint.rating
    report = publication_month(year=2026, month=11)
    if upheld:
        assert complaint.state == ComplaintState.ANNULLED
        assert rating.is_excluded
        assert (report.overall.total, report.complaints, report.appeals_upheld) == (0, 0, 1)
    else:
        assert complaint.state == ComplaintState.AWAITING_CALLBACK
        assert not rating.is_excluded
        assert (report.overall.total, report.complaints, report.appeals_rejected) == (1, 1, 1)
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, upheld=True, reason="x", actor=world.user("lingdao"))


def test_only_leaders_reveal_the_rater_and_it_is_audited(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    rating = Rating.objects.get()
    with pytest.raises(NotFound):
        services.rating_rater_reveal(rating=rating, actor=world.user("shenpi"), reason="核实")
    with pytest.raises(ValidationFailed):
        services.rating_rater_reveal(rating=rating, actor=world.user("lingdao"), reason=" ")
    assert (
        services.rating_rater_reveal(rating=rating, actor=world.user("lingdao"), reason="申诉核实")
        == "张三"
    )
    assert AuditEntry.objects.filter(action="feedback.rater_reveal").count() == 1


# -- policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"weight_satisfaction": 50, "weight_on_time": 20}, True),
        ({"weight_satisfaction": 50}, False),
        ({"rectification_days": 0}, False),
        ({"no_such_setting": 1}, False),
    ],
)
def test_policy_update_validates(world: World, values: dict[str, int], ok: bool) -> None:
    if ok:
        policy = services.feedback_policy_update(actor=world.user("admin"), **values)
        assert policy.weight_satisfaction == 50
        assert AuditEntry.objects.filter(action="feedback.policy_update").exists()
    else:
        with pytest.raises(ValidationFailed):
            services.feedback_policy_update(actor=world.user("admin"), **values)
        assert not FeedbackPolicy.objects.exists()  # nothing saved: the defaults apply


def test_rating_status_shows_the_open_window(world: World, closed: Case) -> None:
    status = case_rating_status(closed, rater=world.user("zhangsan"))
    close = next(e for e in status.events if e.event is ServiceEvent.CLOSE)
    assert (close.can_rate, close.window_end) == (True, dt.date(2026, 12, 4))


def test_the_sweep_is_a_registered_periodic_job(world: World, closed: Case) -> None:
    from banhao.feedback.tasks import sweep_complaints
    from banhao.shared.jobs import periodic_registry

    assert "feedback.sweep_complaints" in {job.name for job in periodic_registry}
    rate(closed, world.user("zhangsan"))
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 1, 9, 0)), tick=False):
        assert sweep_complaints.call() == {
            "callbacks": 1,
            "rectifications": 0,
            "system_defaults": 0,
        }


def test_the_sweep_records_system_defaults_only_when_the_policy_asks(
    world: World, closed: Case
) -> None:
    after_window = SHANGHAI_AT(dt.datetime(2026, 12, 7, 9, 0))
    with time_machine.travel(after_window, tick=False):
        assert services.complaint_overdue_sweep().system_defaults == 0
    services.feedback_policy_update(actor=world.user("admin"), record_system_default=True)
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 4, 9, 0)), tick=False):
        assert services.complaint_overdue_sweep().system_defaults == 0  # window still open
    with time_machine.travel(after_window, tick=False):
        assert services.complaint_overdue_sweep().system_defaults == 1
        assert services.complaint_overdue_sweep().system_defaults == 0
    assert Rating.objects.get().channel == RatingChannel.SYSTEM_DEFAULT.value

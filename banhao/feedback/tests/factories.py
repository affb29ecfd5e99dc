"""Cases in the states 好差评 needs, made through the case services (exported for other
contexts' tests, e.g. the permission matrix)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from banhao.accounts.models import User
from banhao.cases.models import Case, CaseMaterial
from banhao.cases.services import (
    ApplicantData,
    ReceivedMaterial,
    case_accept,
    case_close,
    case_create_draft,
    case_decide,
    case_deliver,
    case_material_upload,
    case_receive,
    case_register_at_window,
    case_submit,
    materials_for,
    review_task_decide,
)
from banhao.catalog.models import ServiceItemVersion
from banhao.feedback.models import Appeal, Complaint
from banhao.feedback.services import RatingInput, appeal_file, rating_submit
from banhao_core.ratings import AppealGround, Level, RatingChannel, ServiceEvent

#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
REVIEWERS = {"住房和城乡建设局": "zhujian", "自然资源和规划局": "ziran", "消防救援大队": "xiaofang"}


def _answers(version: ServiceItemVersion) -> dict[str, str]:
    answers: dict[str, str] = {}
    for situation in version.situations.prefetch_related("options"):
        options = list(situation.options.all())
        wanted = "是" if "监理" in situation.question else "本人"
        chosen = next(o for o in options if o.label.startswith(wanted))
        answers[str(situation.pk)] = str(chosen.pk)
    return answers


def accepted_case(
    version: ServiceItemVersion, users: dict[str, User], applicant: ApplicantData
) -> Case:
    """A walk-in application registered and accepted by 李窗口 (chuangkou)."""
    answers = _answers(version)
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
        for m in materials_for(version, answers)
        if m.necessity in ("required", "deferrable")
    ]
    case = case_register_at_window(
        actor=users["chuangkou"],
        item_version=version,
        applicant=applicant,
        situation_answers=answers,
        received=received,
    )
    return case_accept(case=case, actor=users["chuangkou"])


def close_case(case: Case, users: dict[str, User]) -> Case:
    """Every department approves, 周审批 approves, the window delivers and closes."""
    for task in case.review_tasks.select_related("department"):
        review_task_decide(
            task=task,
            actor=users[REVIEWERS[task.department.name]],
            approve=True,
            opinion="同意",
        )
    case = Case.objects.get(pk=case.pk)
    case = case_decide(case=case, actor=users["shenpi"], approve=True, reason="符合条件")
    case = case_deliver(case=case, actor=users["chuangkou"], method="electronic")
    return case_close(case=case, actor=users["chuangkou"])


def online_accepted_case(
    version: ServiceItemVersion, users: dict[str, User], applicant: ApplicantData, owner: User
) -> Case:
    """An online application by ``owner``: draft, every required material uploaded, submitted,
    received and accepted at the window."""
    case = case_create_draft(
        actor=owner,
        item_version=version,
        service_centre=users["chuangkou"].service_centre,  # type: ignore[arg-type]
        applicant=applicant,
        situation_answers=_answers(version),
    )
    for row in case.materials.filter(is_required=True, status=CaseMaterial.Status.MISSING):
        upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
        case_material_upload(case=case, material_id=row.pk, upload=upload, actor=owner)
    case = case_submit(case=Case.objects.get(pk=case.pk), actor=owner)
    case = case_receive(case=case, actor=users["chuangkou"])
    return case_accept(case=case, actor=users["chuangkou"])


def closed_case(
    version: ServiceItemVersion,
    users: dict[str, User],
    applicant: ApplicantData,
    *,
    owner: User | None = None,
) -> Case:
    """A closed case: a walk-in one, or ``owner``'s online application."""
    if owner is not None:
        case = online_accepted_case(version, users, applicant, owner)
    else:
        case = accepted_case(version, users, applicant)
    return close_case(case, users)


def bad_rating_input(level: Level = Level.DISSATISFIED) -> RatingInput:
    return RatingInput(
        event=ServiceEvent.CLOSE,
        channel=RatingChannel.PC,
        level=level,
        option_codes=["B03"],
        text="等候时间太长",
    )


def rate(case: Case, rater: User | None, level: Level = Level.DISSATISFIED) -> None:
    rating_submit(case=case, data=bad_rating_input(level), actor=rater)


# -- objects for the global permission matrix ----------------------------------------------------


def matrix_complaint(case: Case, rater: User) -> Complaint:
    """A 差评 of ``case``'s 受理 by ``rater`` (made once; later calls find it)."""
    existing = Complaint.objects.filter(rating__case=case).first()
    if existing is not None:
        return existing
    rating_submit(
        case=case,
        data=RatingInput(
            event=ServiceEvent.ACCEPTANCE,
            channel=RatingChannel.PC,
            level=Level.DISSATISFIED,
            option_codes=["B03"],
        ),
        actor=rater,
    )
    return Complaint.objects.get(rating__case=case)


def matrix_appeal(case: Case, rater: User, unit_staff: User) -> Appeal:
    """An appeal (with a PDF as evidence) against the 差评 of ``matrix_complaint``."""
    complaint = matrix_complaint(case, rater)
    existing = complaint.appeals.first()
    if existing is not None:
        return existing
    return appeal_file(
        complaint=complaint,
        ground=AppealGround.MISTAKEN,
        statement="误评",
        evidence=SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"),
        actor=unit_staff,
    )


def matrix_rating_token(case: Case) -> str:
    """The signed rating link token of ``case``'s 受理 (as printed on its notice)."""
    from banhao.cases.notices import rating_token

    return rating_token(case, ServiceEvent.ACCEPTANCE.value)

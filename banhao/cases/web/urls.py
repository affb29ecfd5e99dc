"""Case pages: the applicant's side (申请, 我的办件), the staff's side (窗口, 审查, 审批) and
the notices both may download."""

from django.urls import include, path

app_name = "cases"
urlpatterns = [
    path("", include("banhao.cases.web.documents")),
    path("", include("banhao.cases.web.applicant")),
    path("staff/", include("banhao.cases.web.staff")),
]

"""好差评 pages (``/feedback/…``)."""

from django.urls import URLPattern, URLResolver, path

from banhao.feedback.web import views

app_name = "feedback"
urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/<str:number>/", views.rate_case, name="rate_case"),
    path("r/<str:token>/", views.qr_rate, name="qr_rate"),
    path("my/<int:complaint_id>/", views.rate_fix, name="rate_fix"),
    path("unit/", views.complaint_queue, name="complaint_queue"),
    path("unit/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path("appeals/", views.appeal_queue, name="appeal_queue"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:appeal_id>/evidence", views.appeal_evidence, name="appeal_evidence"),
    path("publication/", views.publication, name="publication"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/choose", views.star_choose, name="star_choose"),
]

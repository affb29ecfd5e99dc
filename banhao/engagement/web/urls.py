"""民说民评与问卷 pages: the public side (意见建议, 办理公开, 问卷) and the staff side."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "engagement"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("banhao.engagement.web.public")),
    path("staff/", include("banhao.engagement.web.staff")),
]

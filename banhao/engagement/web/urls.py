"""民说民评与问卷 pages."""

from django.urls import URLPattern, URLResolver

app_name = "engagement"
urlpatterns: list[URLPattern | URLResolver] = []

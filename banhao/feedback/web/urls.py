"""好差评 pages."""

from django.urls import URLPattern, URLResolver

app_name = "feedback"
urlpatterns: list[URLPattern | URLResolver] = []

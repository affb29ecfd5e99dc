from django.urls import URLPattern

app_name = "workcalendar"
urlpatterns: list[URLPattern] = []

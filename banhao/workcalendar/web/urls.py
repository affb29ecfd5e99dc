from django.urls import path

from banhao.workcalendar.web import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.month, name="month"),
]

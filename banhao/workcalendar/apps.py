from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "banhao.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日历"

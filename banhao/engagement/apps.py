from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "banhao.engagement"
    label = "engagement"
    verbose_name = "民说民评与问卷"

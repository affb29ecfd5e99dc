from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "banhao.feedback"
    label = "feedback"
    verbose_name = "好差评"

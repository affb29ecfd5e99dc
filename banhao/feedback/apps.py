from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "banhao.feedback"
    label = "feedback"
    verbose_name = "好差评"

    def ready(self) -> None:
        from banhao.cases.signals import case_transitioned
        from banhao.feedback.receivers import invite_after_close

        case_transitioned.connect(invite_after_close, dispatch_uid="feedback.invite_after_close")

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "banhao.feedback"
    label = "feedback"
    verbose_name = "好差评"

    def ready(self) -> None:
        from banhao.cases.signals import case_transitioned, cases_generated
        from banhao.feedback.generation import ratings_for_generated_cases
        from banhao.feedback.receivers import invite_after_close

        case_transitioned.connect(invite_after_close, dispatch_uid="feedback.invite_after_close")
        cases_generated.connect(
            ratings_for_generated_cases, dispatch_uid="feedback.ratings_for_generated_cases"
        )

from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "banhao.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from banhao.cases.signals import case_materials_synced, case_transitioned
        from banhao.licences import receivers, tasks  # noqa: F401 - registers the periodic jobs

        case_transitioned.connect(receivers.issue_on_approval, dispatch_uid="licences.issue")
        case_materials_synced.connect(receivers.attach_licences, dispatch_uid="licences.attach")

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "banhao.cases"
    label = "cases"
    verbose_name = "办件"

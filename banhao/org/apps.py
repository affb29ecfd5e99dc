from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "banhao.org"
    label = "org"
    verbose_name = "机构"

from django.contrib import admin
from django.urls import include, path

from banhao.config.api import api
from banhao.shared.views import healthz, home

admin.site.site_header = "办好 · 管理后台"
admin.site.site_title = "办好管理后台"
admin.site.index_title = "目录、机构与日历管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("banhao.accounts.web.urls")),
    path("security/", include("banhao.security.web.urls")),
    path("calendar/", include("banhao.workcalendar.web.urls")),
    path("cases/", include("banhao.cases.web.urls")),
    path("licences/", include("banhao.licences.web.urls")),
    path("feedback/", include("banhao.feedback.web.urls")),
    path("engagement/", include("banhao.engagement.web.urls")),
    path("privacy/", include("banhao.privacy.web.urls")),
    path("", include("banhao.catalog.web.urls")),
]

"""电子证照 pages (mounted at ``/licences/``)."""

from django.urls import URLPattern, URLResolver, path

from banhao.licences.web import views

app_name = "licences"
urlpatterns: list[URLPattern | URLResolver] = [
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<str:identifier>/", views.verify, name="verify"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:identifier>/", views.detail, name="detail"),
    path("mine/<str:identifier>/licence.pdf", views.download, name="download"),
    path("staff/", views.register, name="register"),
    path("staff/<str:identifier>/operate", views.operate, name="operate"),
]

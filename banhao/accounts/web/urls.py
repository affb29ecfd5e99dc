from django.contrib.auth import views as auth_views
from django.urls import path

from banhao.accounts.web.views import LoginView, register_view

app_name = "accounts"
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", register_view, name="register"),
]

from django.urls import path

from banhao.catalog.web import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.item_list_view, name="item_list"),
    # Item codes are opaque strings of letters, digits and hyphens (domain.md §2.3).
    path("items/<str:code>/", views.item_detail_view, name="item_detail"),
    path("departments/", views.department_list_view, name="department_list"),
]

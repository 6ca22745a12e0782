from django.urls import path

from resettle.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<uuid:application_id>/", views.case_detail, name="detail"),
    path("import/", views.import_view, name="import"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

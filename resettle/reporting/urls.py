from django.urls import path

from resettle.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:key>.csv", views.figure_csv, name="figure_csv"),
]

from django.urls import path

from resettle.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:export_id>/approve/", views.approve, name="approve"),
    path("<uuid:export_id>/download/", views.download, name="download"),
]

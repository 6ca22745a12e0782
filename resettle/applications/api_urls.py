from django.urls import path

from resettle.applications import api

app_name = "api"
urlpatterns = [
    path("applications/", api.ApplicationList.as_view(), name="applications"),
    path("applications/<uuid:application_id>/", api.ApplicationDetail.as_view(), name="application"),
    path("aggregates/", api.Aggregates.as_view(), name="aggregates"),
]

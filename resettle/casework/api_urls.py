from django.urls import path

from resettle.casework import api

app_name = "casework-api"
urlpatterns = [
    path("applications/<uuid:application_id>/transitions/", api.Transitions.as_view(), name="transitions"),
    path("applications/<uuid:application_id>/history/", api.History.as_view(), name="history"),
    path("applications/<uuid:application_id>/decisions/", api.Decisions.as_view(), name="decisions"),
    path("decisions/<uuid:decision_id>/confirm/", api.Review.as_view(verdict="confirm"), name="confirm"),
    path("decisions/<uuid:decision_id>/return/", api.Review.as_view(verdict="return"), name="return"),
]

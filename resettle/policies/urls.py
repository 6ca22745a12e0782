from django.urls import path

from resettle.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("simulate/", views.simulate, name="simulate"),
    path("evaluate/<uuid:application_id>/", views.evaluate, name="evaluate"),
]

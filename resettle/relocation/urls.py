from django.urls import path

from resettle.relocation import views

app_name = "relocation"
urlpatterns = [
    path("", views.index, name="index"),
    path("tranches/new", views.tranche_new, name="tranche_new"),
    path("places/new", views.place_new, name="place_new"),
    path("tranches/<uuid:pk>/", views.tranche, name="tranche"),
    path("tranches/<uuid:pk>/flights", views.flight_new, name="flight_new"),
    path("tranches/<uuid:pk>/cases", views.cases_add, name="cases_add"),
    path("tranches/<uuid:pk>/plan", views.plan, name="plan"),
    path("tranches/<uuid:pk>/link", views.link, name="link"),
    path("households/<uuid:pk>/", views.household, name="household"),
    path("households/<uuid:pk>/override", views.override, name="override"),
    path("households/<uuid:pk>/readiness", views.readiness, name="readiness"),
    path("households/<uuid:pk>/readiness/<uuid:member>", views.readiness_record, name="readiness_record"),
    path("flights/<uuid:pk>/", views.flight, name="flight"),
    path("flights/<uuid:pk>/boarding/<uuid:entry>", views.boarding, name="boarding"),
    path("flights/<uuid:pk>/depart", views.depart, name="depart"),
    path("flights/<uuid:pk>/arrive", views.arrive, name="arrive"),
    path("flights/<uuid:pk>/export", views.export, name="export"),
    path("cases/<uuid:pk>/journey", views.journey, name="journey"),
    path("cases/<uuid:pk>/journey/<uuid:member>", views.milestone, name="milestone"),
]

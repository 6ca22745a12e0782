from django.urls import path

from resettle.verification import record_search, views

app_name = "verification"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:pk>/", views.case, name="case"),
    path("<uuid:pk>/decide", views.decide, name="decide"),
    path("<uuid:pk>/score", views.score, name="score"),
    path("<uuid:pk>/records", record_search.record_search, name="record_search"),
]

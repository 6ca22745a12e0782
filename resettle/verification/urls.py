from django.urls import path

from resettle.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:pk>/", views.case, name="case"),
    path("<uuid:pk>/decide", views.decide, name="decide"),
]

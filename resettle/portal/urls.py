from django.urls import path

from resettle.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("continue/", views.resume, name="resume"),
    path("leave/", views.leave, name="leave"),
    path("you/", views.principal, name="principal"),
    path("work/", views.employment, name="employment"),
    path("family/", views.family, name="family"),
    path("check/", views.review, name="review"),
    path("case/", views.status, name="status"),
    path("case/answer/", views.answer, name="answer"),
    path("case/document/", views.document, name="document"),
    path("case/change/", views.change, name="change"),
    path("case/action/", views.act, name="act"),
]

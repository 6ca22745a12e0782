from django.urls import path

from resettle.casework import views

app_name = "casework"
urlpatterns = [
    path("queues/", views.queues, name="queues"),
    path("<uuid:application_id>/transition/", views.transition, name="transition"),
    path("<uuid:application_id>/propose/", views.propose, name="propose"),
    path("<uuid:application_id>/review/", views.review, name="review"),
    path("<uuid:application_id>/requests/", views.request_create, name="request_create"),
    path("<uuid:application_id>/requests/answer/", views.request_answer, name="request_answer"),
    path("<uuid:application_id>/changes/", views.change_report, name="change_report"),
    path("<uuid:application_id>/changes/handle/", views.change_handle, name="change_handle"),
    path("<uuid:application_id>/notes/", views.note_add, name="note_add"),
    path("<uuid:application_id>/documents/", views.document_add, name="document_add"),
    path("<uuid:application_id>/documents/<uuid:document_id>/", views.document_download, name="document"),
    path("<uuid:application_id>/letters/", views.letter, name="letter"),
    path("<uuid:application_id>/assign/", views.assign, name="assign"),
    path("<uuid:application_id>/link/", views.link, name="link"),
    path("<uuid:application_id>/facts/", views.fact, name="fact"),
]

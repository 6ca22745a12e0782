from django.urls import path

from resettle.records import views

app_name = "records"
urlpatterns = [
    path("import/", views.import_view, name="import"),
    path("batches/", views.batches_view, name="batches"),
]

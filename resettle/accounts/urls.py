from django.urls import path

from resettle.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/enrol/", views.enrol_view, name="enrol"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/staff-changes/", views.staff_changes_view, name="staff_changes"),
]

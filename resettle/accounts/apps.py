from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "resettle.accounts"
    verbose_name = "Staff and roles"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "resettle.notifications"
    label = "notifications"
    verbose_name = "Notifications"

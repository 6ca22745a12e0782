from django.conf import settings
from django.db import models


class Team(models.Model):
    """A caseworking team; staff see the cases of their teams unless their role sees all."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    is_demo = models.BooleanField(default=False, help_text="Created by `resettle demo-data`; never for real work.")

    def __str__(self) -> str:
        return f"profile of {self.user}"

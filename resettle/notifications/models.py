"""What was sent to whom, by id: the address itself stays sealed in ContactDetail."""

import uuid

from django.db import models


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="notifications")
    contact = models.ForeignKey("people.ContactDetail", null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10)
    template = models.CharField(max_length=60)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.template} to {self.person}"

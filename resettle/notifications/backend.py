"""Delivery. The message type has exactly one address and no copy lines, so there is nothing
to put a second applicant in; the sender checks the built e-mail again before it leaves."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class RecipientError(TypeError):
    """Something other than exactly one recipient was given."""


@dataclass(frozen=True)
class OutgoingMessage:
    to: str
    subject: str
    body: str

    def __post_init__(self):
        if not isinstance(self.to, str) or not self.to.strip():
            raise RecipientError("a message has exactly one address, given as one string")
        if any(sep in self.to for sep in (",", ";", "\n", "\r")):
            raise RecipientError("one address per message: separators in the address are refused")


def deliver(message: OutgoingMessage) -> None:
    email = EmailMessage(subject=message.subject, body=message.body,
                         from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None), to=[message.to])
    if len(email.to) != 1 or email.cc or email.bcc or email.reply_to:
        raise RecipientError("refusing to send: an applicant message must have one recipient and no copies")
    get_connection(fail_silently=False).send_messages([email])

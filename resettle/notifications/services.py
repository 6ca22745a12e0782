"""The one way to write to an applicant: one person, one message.

There is deliberately no function here that takes several recipients. Sending the same news to
two hundred people means two hundred calls, each producing a message with a single address, so
no applicant ever sees another's address on the To or CC line.
"""

from __future__ import annotations

from django.db import transaction

from resettle.audit.services import record_event
from resettle.notifications.backend import OutgoingMessage, RecipientError, deliver
from resettle.notifications.messages import TEMPLATES
from resettle.notifications.models import Notification
from resettle.people.models import ContactDetail, ContactKind, Person


class NotificationError(Exception):
    """The message cannot be sent: no usable address, unknown template, or missing context."""


def _contact_for(recipient: ContactDetail | Person) -> ContactDetail:
    if isinstance(recipient, ContactDetail):
        contact = recipient
    elif isinstance(recipient, Person):
        contact = recipient.contacts.filter(kind=ContactKind.EMAIL).order_by("id").first()
        if contact is None:
            raise NotificationError(f"{recipient} has no e-mail address on file")
    else:
        raise RecipientError(
            f"notify() takes one ContactDetail or Person, not {type(recipient).__name__}: "
            "send one message per person")
    if contact.kind != ContactKind.EMAIL:
        raise NotificationError(f"{contact} is not an e-mail address; only e-mail can be sent from here")
    return contact


def notify(*, actor, recipient: ContactDetail | Person, template: str, reference: str) -> Notification:
    """Send one templated message to one recipient and log it, without the address."""
    contact = _contact_for(recipient)
    if template not in TEMPLATES:
        raise NotificationError(f"unknown template {template!r}; known: {', '.join(sorted(TEMPLATES))}")
    text = TEMPLATES[template]
    subject, body = text.render(reference)
    message = OutgoingMessage(to=contact.value.strip(), subject=subject, body=body)
    # Sent before the record is written, not inside its transaction: appending to the audit log
    # locks the chain's head, and no one else's work should wait on a mail server.
    try:
        deliver(message)
    except Exception as exc:
        record_event(actor=actor, action="notification.failed", target=(contact._meta.label_lower, contact.pk),
                     details={"person": str(contact.person_id), "template": template, "error": type(exc).__name__})
        raise
    with transaction.atomic():
        note = Notification.objects.create(person_id=contact.person_id, contact=contact, channel="email",
                                           template=template)
        record_event(actor=actor, action="notification.sent", target=note,
                     details={"person": str(contact.person_id), "contact": str(contact.pk), "template": template,
                              "channel": "email"})
    return note

import ast
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.core import mail
from django.db.models import QuerySet

import resettle
import resettle.notifications
from resettle.audit.models import AuditEvent
from resettle.notifications.backend import OutgoingMessage, RecipientError
from resettle.notifications.messages import TEMPLATES
from resettle.notifications.models import Notification
from resettle.notifications.services import NotificationError, notify
from resettle.people.models import ContactDetail, Person
from resettle.people.services import PersonIn, person_create

ADDRESSES = ["amina.k@example.org", "bashir.r@example.org", "farid.s@example.org"]
MAIL_CALLS = {"send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives", "mail_admins",
              "mail_managers", "send_messages"}


@pytest.fixture
def people(db):
    return [person_create(data=PersonIn(full_name=f"Person {i}", contacts=[("email", a), ("phone", f"+93 7{i}")]))
            for i, a in enumerate(ADDRESSES)]


def notifications_functions():
    for info in pkgutil.walk_packages(resettle.notifications.__path__, "resettle.notifications."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module):
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield obj
            elif inspect.isclass(obj):
                for _, meth in inspect.getmembers(obj, inspect.isfunction):
                    if meth.__module__ == module.__name__:
                        yield meth


def accepts_many(annotation) -> bool:
    """Does this annotation admit a collection (other than text)?"""
    if annotation in (str, bytes, inspect.Parameter.empty):
        return False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, __import__("types").UnionType):
        return any(accepts_many(a) for a in typing.get_args(annotation))
    target = origin or annotation
    return inspect.isclass(target) and (issubclass(target, (Iterable, QuerySet)) and target not in (str, bytes))


def test_no_function_in_notifications_takes_a_collection_of_recipients():
    functions = list(notifications_functions())
    assert any(f.__name__ == "notify" for f in functions) and any(f.__name__ == "deliver" for f in functions)
    for fn in functions:
        hints = typing.get_type_hints(fn)
        for name, param in inspect.signature(fn).parameters.items():
            if name in ("self", "cls"):
                continue
            assert param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD), f"{fn.__qualname__}(*{name})"
            assert not name.endswith(("recipients", "contacts", "people", "persons", "addresses")), fn.__qualname__
            assert not accepts_many(hints.get(name, param.annotation)), f"{fn.__qualname__}({name}) takes many"
    assert not any(f.name in ("cc", "bcc") for f in __import__("dataclasses").fields(OutgoingMessage))


def test_the_check_itself_catches_a_many_recipient_signature():
    # Guard against a check that cannot fail: these would be a collection of recipients.
    assert accepts_many(list[Person]) and accepts_many(QuerySet) and accepts_many(tuple[str, ...])
    assert accepts_many(Person | list[Person]) and not accepts_many(ContactDetail | Person)


@pytest.mark.parametrize("many", [list, tuple, set, "queryset"])
def test_passing_several_recipients_is_refused_and_nothing_is_sent(people, many):
    group = Person.objects.all() if many == "queryset" else many(people)
    with pytest.raises(RecipientError, match="one ContactDetail or Person"):
        notify(actor=None, recipient=group, template="application_received", reference="RST-1")
    with pytest.raises(RecipientError):
        OutgoingMessage(to=", ".join(ADDRESSES), subject="s", body="b")
    with pytest.raises(RecipientError):
        OutgoingMessage(to=ADDRESSES, subject="s", body="b")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_one_message_per_person_each_with_a_single_address_and_audited_without_it(people):
    for person in people:
        notify(actor=None, recipient=person, template="application_received", reference="RST-7")
    contact = people[0].contacts.get(kind="email")
    notify(actor=None, recipient=contact, template="decision_made", reference="RST-7")
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert len(message.recipients()) == 1
        others = set(ADDRESSES) - set(message.to)
        assert not any(a in message.message().as_string() for a in others)
    assert [m.to[0] for m in mail.outbox] == ADDRESSES + [ADDRESSES[0]]
    events = AuditEvent.objects.filter(action="notification.sent")
    assert events.count() == 4
    dumped = " ".join(str(v) for e in events.values() for v in e.values())
    assert not any(a in dumped for a in ADDRESSES) and str(people[1].pk) in dumped


def test_no_address_or_template_means_no_message(people):
    phone = people[0].contacts.get(kind="phone")
    with pytest.raises(NotificationError, match="not an e-mail"):
        notify(actor=None, recipient=phone, template="decision_made", reference="R")
    bare = person_create(data=PersonIn(full_name="No Contact"))
    with pytest.raises(NotificationError, match="no e-mail"):
        notify(actor=None, recipient=bare, template="decision_made", reference="R")
    with pytest.raises(NotificationError, match="unknown template"):
        notify(actor=None, recipient=people[0], template="bulk_update", reference="R")
    assert mail.outbox == []


def mail_calls_outside_notifications(root: Path = Path(resettle.__file__).parent) -> list[str]:
    found = []
    for path in root.rglob("*.py"):
        if "notifications" in path.relative_to(root).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in MAIL_CALLS:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {name}(")
            if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: imports django.core.mail")
    return found


def test_nothing_outside_notifications_sends_mail():
    assert mail_calls_outside_notifications() == []


def test_the_mail_scan_finds_a_call_when_there_is_one(tmp_path):
    (tmp_path / "notifications").mkdir()
    (tmp_path / "notifications" / "ok.py").write_text("EmailMessage(to=['a'])\n")
    (tmp_path / "cases.py").write_text("from django.core import mail\nmail.send_mail('s', 'b', None, ['a@x', 'b@x'])\n")
    assert mail_calls_outside_notifications(tmp_path) == [f"{tmp_path.name}/cases.py:2: send_mail("]


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_message_warns_against_impostors_and_names_only_the_reference(people, template):
    notify(actor=None, recipient=people[0], template=template, reference="RST-99")
    message = mail.outbox[-1]
    assert "never ask you to send documents" in message.body and "RST-99" in message.body
    assert people[0].full_name not in message.body + message.subject


def test_a_refused_delivery_is_logged_as_failed_not_sent(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    with pytest.raises(OSError):
        notify(actor=None, recipient=people[0], template="decision_made", reference="RST-5")
    assert not Notification.objects.exists()
    failed = AuditEvent.objects.get(action="notification.failed")
    assert failed.details["error"] in ("ConnectionRefusedError", "TimeoutError", "OSError")
    assert ADDRESSES[0] not in str(failed.details)

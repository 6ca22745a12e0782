"""The portal's forms. Every field has a size limit; dates are written as the applicant knows
them (Solar Hijri or Gregorian, Persian or Latin digits) and checked with resettle.names.dates."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from resettle.names.dates import parse_birth_date
from resettle.portal import labels

NAME_MAX = 120
NUMBER_MAX = 40
TEXT_MAX = 2000
MAX_MEMBERS = 15
MAX_CLAIMS = 10


def _choices(table: dict) -> list:
    return [("", "—")] + list(table.items())


def _date_check(form, field: str, calendar_field: str, *, required: bool):
    text = form.cleaned_data.get(field, "").strip()
    if not text:
        if required:
            form.add_error(field, _("Please write a date."))
        return
    try:
        parse_birth_date(text, form.cleaned_data.get(calendar_field) or None)
    except ValueError:
        form.add_error(field, _("This is not a date we can read. Write the year, or year-month-day, "
                                "for example 1361-05-12."))


# Control characters and bidi overrides/isolates typed into a field could reorder what a
# caseworker sees next to it; the zero-width non-joiner (U+200C), which Dari spelling needs, stays.
_INVISIBLE = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
                                *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}

# Django's own messages exist in Dari (as Persian) but not in Pashto: the portal says them itself.
MESSAGES = {
    "required": _("Please answer this question."),
    "max_length": _("This is too long: at most %(limit_value)d characters."),
    "invalid_choice": _("Please choose one of the options."),
    "invalid": _("This file could not be read. Send it again."),
    "missing": _("No file was sent."),
    "empty": _("The file is empty."),
    "contradiction": _("Either send a file or clear it, not both."),
}


FILE_NAME_TOO_LONG = _("The file's name is too long. Rename it and send it again.")


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update({k: v for k, v in MESSAGES.items() if k in field.error_messages
                                         or k in ("required", "max_length")})
            if isinstance(field, forms.FileField):  # its max_length is the file name's, other parameters
                field.error_messages["max_length"] = FILE_NAME_TOO_LONG


class DraftForm(PortalForm):
    """Fields are kept as the applicant typed them: the draft stores cleaned_data as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, (forms.TextInput, forms.Textarea)):
                # Names and numbers may be in either script: let the browser pick each one's direction.
                field.widget.attrs["dir"] = "auto"

    def values(self) -> dict:
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in self.cleaned_data.items()}

    def clean(self):
        data = super().clean()
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.translate(_INVISIBLE)
        return data


class ResumeForm(PortalForm):
    reference = forms.CharField(label=_("Reference"), max_length=30)
    secret = forms.CharField(label=_("Secret"), max_length=40, widget=forms.PasswordInput(render_value=False))


class PrincipalForm(DraftForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=NAME_MAX,
                                help_text=_("In Dari, Pashto or Latin letters, as on your tazkira or passport."))
    father_name = forms.CharField(label=_("Your father's name"), max_length=NAME_MAX)
    grandfather_name = forms.CharField(label=_("Your grandfather's name"), max_length=NAME_MAX, required=False)
    birth_date = forms.CharField(label=_("Date of birth"), max_length=20,
                                 help_text=_("Year only is fine if you do not know the day."))
    calendar = forms.ChoiceField(label=_("Calendar of this date"), choices=list(labels.CALENDARS.items()))
    gender = forms.ChoiceField(label=_("Gender"), choices=_choices(labels.GENDERS))
    tazkira_number = forms.CharField(label=_("Tazkira number"), max_length=NUMBER_MAX, required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=NUMBER_MAX, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False,
                            help_text=_("With country code, for example +93 700 123 456."))
    email = forms.CharField(label=_("Email address"), max_length=NAME_MAX, required=False)

    def clean(self):
        data = super().clean()
        _date_check(self, "birth_date", "calendar", required=True)
        email = data.get("email", "").strip()
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                self.add_error("email", _("This is not an email address."))
        phone = data.get("phone", "").strip()
        if phone and sum(ch.isdigit() for ch in phone) < 6:
            self.add_error("phone", _("A phone number needs at least 6 digits."))
        if not (data.get("phone", "").strip() or email):
            self.add_error(None, _("Give a phone number or an email address, so that we can reach you."))
        return data


class EmploymentForm(DraftForm):
    employer = forms.ChoiceField(label=_("Who did you work for?"))
    unit = forms.ChoiceField(label=_("Team or base"))
    role = forms.ChoiceField(label=_("Your job"))
    location = forms.ChoiceField(label=_("Where"))
    details = forms.CharField(label=_("Anything else about this work (if you chose Other, say what)"),
                              max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.CharField(label=_("Started"), max_length=20)
    end_date = forms.CharField(label=_("Ended"), max_length=20)
    calendar = forms.ChoiceField(label=_("Calendar of these dates"), choices=list(labels.CALENDARS.items()))
    referee_name = forms.CharField(label=_("Name of someone who can confirm this work"), max_length=NAME_MAX,
                                   required=False, help_text=_("A supervisor or colleague, if you can."))
    referee_contact = forms.CharField(label=_("Their phone or email"), max_length=NAME_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ("employer", "unit", "role", "location"):
            self.fields[kind].choices = labels.choices(kind)

    def clean(self):
        data = super().clean()
        _date_check(self, "start_date", "calendar", required=True)
        _date_check(self, "end_date", "calendar", required=True)
        if not self.errors:
            from resettle.portal.services import claim_dates

            start, end = claim_dates(data)
            if start and end and end < start:
                self.add_error("end_date", _("The end is before the start."))
        return data


class MemberForm(DraftForm):
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=_choices(labels.RELATIONSHIPS))
    full_name = forms.CharField(label=_("Full name"), max_length=NAME_MAX)
    father_name = forms.CharField(label=_("Father's name"), max_length=NAME_MAX, required=False)
    birth_date = forms.CharField(label=_("Date of birth"), max_length=20, required=False)
    calendar = forms.ChoiceField(label=_("Calendar of this date"), choices=list(labels.CALENDARS.items()))
    gender = forms.ChoiceField(label=_("Gender"), choices=_choices(labels.GENDERS))
    dependent = forms.ChoiceField(label=_("Do they depend on you for money or care?"),
                                  choices=_choices(labels.YES_NO))
    tazkira_number = forms.CharField(label=_("Tazkira number"), max_length=NUMBER_MAX, required=False)

    def clean(self):
        data = super().clean()
        _date_check(self, "birth_date", "calendar", required=False)
        return data


class ConfirmForm(PortalForm):
    confirm = forms.BooleanField(label=_("What I have written is true, to the best of my knowledge."))


UPLOAD_MAX = 5 * 1024 * 1024


def _upload_check(form, field: str) -> None:
    upload = form.cleaned_data.get(field)
    if upload is not None and upload.size > UPLOAD_MAX:
        form.add_error(field, _("This file is larger than 5 MB. Send a smaller photo or scan."))


class AnswerForm(PortalForm):
    request_id = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(label=_("Your answer"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}))
    upload = forms.FileField(label=_("Add a document (optional): PDF, JPEG or PNG, up to 5 MB"), required=False,
                             max_length=200)

    def clean(self):
        data = super().clean()
        _upload_check(self, "upload")
        if not (data.get("text", "").strip() or data.get("upload")):
            self.add_error("text", _("Write an answer or add a document."))
        return data


class DocumentForm(PortalForm):
    kind = forms.ChoiceField(label=_("What is it?"), choices=[
        ("tazkira", _("Tazkira")), ("passport", _("Passport")), ("hr_letter", _("Letter from your employer")),
        ("recommendation", _("Letter of recommendation")), ("marriage", _("Marriage certificate")),
        ("birth", _("Birth certificate")), ("other", _("Other document")),
    ])
    upload = forms.FileField(label=_("File: PDF, JPEG or PNG, up to 5 MB"), max_length=200)

    def clean(self):
        data = super().clean()
        _upload_check(self, "upload")
        return data


class ActionForm(PortalForm):
    action = forms.ChoiceField(widget=forms.HiddenInput, choices=[("request_reconsideration", "r"), ("withdraw", "w")])
    confirm = forms.BooleanField(label=_("Yes, I am sure."))


class ChangeForm(PortalForm):
    kind = forms.ChoiceField(label=_("What changed?"), choices=[
        ("marriage", _("A marriage")), ("birth", _("A birth")), ("death", _("A death")),
        ("divorce", _("A divorce")), ("turned_18", _("A child turned 18")), ("turned_25", _("A child turned 25")),
        ("other", _("Something else")),
    ])
    details = forms.CharField(label=_("Tell us what happened, and who"), max_length=TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}))
    effective_on = forms.CharField(label=_("When (Gregorian or Solar Hijri date)"), max_length=20, required=False)
    calendar = forms.ChoiceField(label=_("Calendar of this date"), choices=list(labels.CALENDARS.items()))

    def clean(self):
        data = super().clean()
        _date_check(self, "effective_on", "calendar", required=False)
        return data


TOO_MANY_MEMBERS = _("You cannot add more family members here. Tell us about the others later.")
REFUSED = _("This could not be accepted. The question may be closed already; reload the page and try again.")
FILE_REFUSED = _("This file could not be accepted. Send a PDF, JPEG or PNG file of up to 5 MB.")
TOO_MANY_FILES = _("You have sent many files today. Please send the rest tomorrow.")
TOO_MANY_CLAIMS = _("You cannot add more periods of work here. Tell us about the others later.")

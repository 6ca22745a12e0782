from django import forms

from resettle.applications.models import Relationship
from resettle.casework.models import ChangeKind, DecisionOutcome, DocumentKind

_text = {"rows": 3, "dir": "auto"}


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs=_text))


class ProposeForm(forms.Form):
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(max_length=8000, widget=forms.Textarea(attrs=_text),
                              help_text="In words the applicant can read: the criteria met or not met, and on what evidence.")
    criteria = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                         help_text="The criteria this decision rests on (all, if none ticked).")
    reconsideration_info = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs=_text),
                                           help_text="For a decline: how to ask for reconsideration (a standard text if empty).")
    member = forms.UUIDField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = list(criteria_choices)


class ReviewForm(forms.Form):
    decision = forms.UUIDField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=[("confirm", "Confirm"), ("return", "Send back")])
    note = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs=_text))


class RequestForm(forms.Form):
    question = forms.CharField(max_length=4000, widget=forms.Textarea(attrs=_text))
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="42 days from today if empty (as the UK scheme gives).")
    addressed_to = forms.ChoiceField(choices=[("applicant", "Applicant"), ("referee", "Referee")])


class AnswerForm(forms.Form):
    request = forms.UUIDField(widget=forms.HiddenInput)
    answer = forms.CharField(max_length=8000, widget=forms.Textarea(attrs=_text))


class ChangeReportForm(forms.Form):
    kind = forms.ChoiceField(choices=ChangeKind.choices)
    details = forms.CharField(max_length=4000, widget=forms.Textarea(attrs=_text))
    effective_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ChangeHandleForm(forms.Form):
    change = forms.UUIDField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Do not accept")])
    reason = forms.CharField(max_length=2000, required=False)
    member = forms.UUIDField(required=False, help_text="For a death, divorce or a dependant turning 18/25.")
    full_name = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    father_name = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    birth_date = forms.CharField(max_length=20, required=False, help_text="Gregorian or Solar Hijri (1361-05-12).")
    gender = forms.ChoiceField(choices=[("unknown", "Unknown"), ("female", "Female"), ("male", "Male")], required=False)
    relationship = forms.ChoiceField(choices=[(Relationship.SPOUSE, "Spouse"), (Relationship.CHILD, "Child")], required=False)


class NoteForm(forms.Form):
    text = forms.CharField(max_length=8000, widget=forms.Textarea(attrs=_text))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=[c for c in DocumentKind.choices if c[0] != DocumentKind.DECISION_LETTER])
    file = forms.FileField()


class LetterForm(forms.Form):
    decision = forms.UUIDField(widget=forms.HiddenInput)
    language = forms.ChoiceField(choices=[("en", "English"), ("fa-af", "Dari"), ("ps", "Pashto")])


class AssignForm(forms.Form):
    users = forms.CharField(max_length=500, required=False, help_text="Usernames, separated by commas.")
    team = forms.CharField(max_length=100, required=False)
    reason = forms.CharField(max_length=500, required=False)


class LinkForm(forms.Form):
    other_reference = forms.CharField(max_length=20)
    kind = forms.ChoiceField(choices=[("same_person", "Same person: merge the other into this one"),
                                      ("related", "Related household (travel together)")])
    reason = forms.CharField(max_length=2000)


class FactForm(forms.Form):
    field = forms.ChoiceField(choices=())
    value = forms.ChoiceField(choices=[("true", "Yes"), ("false", "No")])
    member = forms.ChoiceField(choices=(), required=False, label="Member",
                               help_text="For a fact about one family member.")
    reason = forms.CharField(max_length=2000, help_text="The evidence this rests on.")

    def __init__(self, *args, fields=None, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = sorted(((f, label) for f, label in (fields or {}).items()), key=lambda c: c[1])
        self.fields["member"].choices = [("", "—")] + [(str(m.pk), f"{i}. {m.get_relationship_display()}")
                                                       for i, m in enumerate(members, 1)]

from django import forms
from django.utils.translation import gettext_lazy as _

from resettle.verification.models import Outcome


class DecisionForm(forms.Form):
    record = forms.UUIDField(required=False, widget=forms.HiddenInput)
    claim = forms.UUIDField(required=False, widget=forms.HiddenInput)
    revision = forms.BooleanField(required=False, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (the applicant's review will read it)"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)

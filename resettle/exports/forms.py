from django import forms
from django.utils.translation import gettext_lazy as _

from resettle.exports.models import ExportKind


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=ExportKind.choices)
    identified = forms.BooleanField(
        label=_("With names, birth dates and document numbers (needs a second person's approval)"), required=False)
    reason = forms.CharField(label=_("Why (written to the audit log)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

from django import forms
from django.utils.translation import gettext_lazy as _

from resettle.applications.models import Status
from resettle.records.forms import ENCODINGS  # records sits below applications


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    pathway = forms.ChoiceField(label=_("Pathway"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=20)

    def __init__(self, *args, pathways=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any"))] + list(Status.choices)
        self.fields["pathway"].choices = [("", _("Any"))] + [(p, p) for p in sorted(pathways)]


class NameSearchForm(forms.Form):
    name = forms.CharField(label=_("Name, reference, tazkira, passport or phone"), max_length=200,
                           help_text=_("Any spelling of a name in either script (add \"s/o\" and the father's name to "
                                       "narrow it), a case reference, or a document or phone number."))


class ApplicationImportForm(forms.Form):
    file = forms.FileField(label=_("Applications file (CSV or XLSX)"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

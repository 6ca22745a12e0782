from django import forms
from django.utils.translation import gettext_lazy as _

from resettle.policies.reports import version_choices


class SimulationForm(forms.Form):
    policy = forms.ChoiceField(label=_("Policy"))
    compare_with = forms.ChoiceField(label=_("Compare with (optional)"), required=False)
    on = forms.DateField(label=_("Reference date (optional)"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}),
                         help_text=_("Records are judged on this day; default: the first day of the (later) version."))
    prior_dependants = forms.FloatField(
        label=_("Dependants per principal (optional)"), required=False, min_value=0, max_value=20,
        help_text=_("Default: the family sizes of stored applications when there are at least five, "
                    "else 96 family members per 44 interpreters (New Zealand, 2013-14)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = version_choices()
        self.fields["policy"].choices = choices
        self.fields["compare_with"].choices = [("", "—")] + choices

    def clean(self):
        data = super().clean()
        if data.get("compare_with") and data.get("compare_with") == data.get("policy"):
            self.add_error("compare_with", _("Choose a different policy or version to compare with."))
        return data

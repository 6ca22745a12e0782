from django import forms
from django.utils.translation import gettext_lazy as _

# The encodings HR and caseworkers' spreadsheets come in (shared with the applications import form).
ENCODINGS = [("", _("Detect")), ("utf-8", "UTF-8"), ("cp1256", "Windows-1256"), ("utf-16", "UTF-16")]


EMPLOYERS = [("", _("From the source name")), ("nzdf", "NZDF"), ("nz_police", "NZ Police"), ("mfat", "MFAT"),
             ("nz_aid", "NZ aid"), ("nz_other_agency", _("Other NZ agency")), ("us_forces", "US forces"),
             ("uk_forces", "UK forces"), ("isaf_other", _("Other ISAF")), ("contractor", _("Contractor")),
             ("other", _("Other"))]


class RecordImportForm(forms.Form):
    file = forms.FileField(label=_("HR records file (CSV or XLSX)"))
    source = forms.SlugField(label=_("Source"), max_length=80, help_text=_("e.g. nzdf-prt-bamyan"))
    employer = forms.ChoiceField(label=_("Employer"), choices=EMPLOYERS, required=False)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, required=False)

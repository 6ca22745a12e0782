from django import forms

from resettle.relocation.models import ArrivalPoint, Boarding, ReceptionCentre, RiskLevel, SecurityCheck, TravelDocument


class TrancheForm(forms.Form):
    name = forms.CharField(max_length=100)
    arrival_point = forms.ModelChoiceField(ArrivalPoint.objects.all(), required=False)
    reception_centre = forms.ModelChoiceField(ReceptionCentre.objects.all(), required=False)
    security_check_required = forms.BooleanField(required=False, initial=True,
                                                 label="The policy asks for a security check of every adult")


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(choices=[("arrival_point", "Arrival point"), ("reception_centre", "Reception centre")])
    name = forms.CharField(max_length=100)
    location = forms.CharField(max_length=100, required=False)


class FlightForm(forms.Form):
    code = forms.CharField(max_length=30)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    origin = forms.CharField(max_length=60)
    destination = forms.CharField(max_length=60)
    aircraft = forms.CharField(max_length=60)
    seats = forms.IntegerField(min_value=1, max_value=1000)


class AddCasesForm(forms.Form):
    applications = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)
    risk_level = forms.ChoiceField(choices=RiskLevel.choices, initial=RiskLevel.MODERATE)
    medical_need = forms.BooleanField(required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = choices


class HouseholdForm(forms.Form):
    risk_level = forms.ChoiceField(choices=RiskLevel.choices)
    medical_need = forms.BooleanField(required=False)
    ready_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    split_allowed = forms.BooleanField(required=False, label="Allow the family to split across flights")


class OverrideForm(forms.Form):
    action = forms.ChoiceField(choices=[("pin", "pin"), ("unpin", "unpin"), ("hold", "hold"), ("release", "release"),
                                        ("unlink", "unlink")])
    flight = forms.UUIDField(required=False)
    reason = forms.CharField(max_length=200, required=False)


class LinkForm(forms.Form):
    cases = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = choices


class ReadinessForm(forms.Form):
    travel_document = forms.ChoiceField(choices=TravelDocument.choices, required=False)
    security_check = forms.ChoiceField(choices=SecurityCheck.choices)
    own_seat = forms.BooleanField(required=False)


class BoardingForm(forms.Form):
    status = forms.ChoiceField(choices=Boarding.choices)


class ArrivalForm(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(choices=[("residence_granted", "Residence granted"), ("citizenship", "Citizenship")])
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ExportForm(forms.Form):
    reason = forms.CharField(max_length=200)

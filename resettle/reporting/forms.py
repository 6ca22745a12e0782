from django import forms


class DashboardFilter(forms.Form):
    """The pathway the figures are for (blank: all). An unknown pathway is refused by the form
    and the page shows every pathway, saying so."""

    pathway = forms.ChoiceField(required=False, label="Pathway")

    def __init__(self, *args, pathways: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = [("", "All pathways")] + [(p, p) for p in pathways]

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    token = forms.RegexField(label=_("6-digit code from your authenticator app"), regex=r"^\d{6}$", required=False,
                             help_text=_("Leave empty only on your very first sign-in, before you have enrolled."),
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "pattern": "[0-9]{6}", "maxlength": "6"}))


class TokenForm(forms.Form):
    token = forms.RegexField(label=_("6-digit code"), regex=r"^\d{6}$",
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "pattern": "[0-9]{6}", "maxlength": "6", "autofocus": True}))

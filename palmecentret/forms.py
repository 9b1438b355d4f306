"""The support page's choice of a gift amount for the Swish link (a GET form: nothing is
stored, the amount only goes into the link)."""

from django import forms
from django.utils.translation import gettext_lazy as _

# Whole kronor; Swish itself takes öre too, but a gift in whole kronor is what we offer.
MIN_GIFT = 1
MAX_GIFT = 100_000
SUGGESTED_GIFTS = (100, 250, 500)

AMOUNT_ERROR = _("Give the amount in whole kronor, from 1 to 100 000.")


class GiftAmountForm(forms.Form):
    """One of a few amounts or one the visitor types (which wins if both are given)."""

    amount = forms.TypedChoiceField(
        label=_("Amount"), required=False, coerce=int, empty_value=None,
        choices=[(value, value) for value in SUGGESTED_GIFTS],
        error_messages={"invalid_choice": AMOUNT_ERROR},
    )
    other_amount = forms.IntegerField(
        label=_("Another amount (kronor)"), required=False,
        min_value=MIN_GIFT, max_value=MAX_GIFT,
        error_messages={"invalid": AMOUNT_ERROR, "min_value": AMOUNT_ERROR,
                        "max_value": AMOUNT_ERROR},
    )

    def gift(self):
        """The chosen amount in kronor, or None; call after is_valid()."""
        data = self.cleaned_data
        return data["other_amount"] if data.get("other_amount") is not None else data.get("amount")

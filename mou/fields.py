"""A list of choices kept as JSON, edited as check boxes (portable to SQLite and PostgreSQL)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A JSON list whose items come from `item_choices`.

    Used for small multi-valued facts (programmes, segments mandated by a
    regulation) that are never joined on.
    """

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = [key for key, _label in self.item_choices]
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(
                _("Pilihan tidak dikenal: %(value)s."),
                code="invalid_choice",
                params={"value": value},
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("initial", "disabled")},
        )

    def labels(self, value) -> str:
        """The items' labels joined for display ("JKK, JKM")."""
        names = dict(self.item_choices)
        return ", ".join(str(names.get(item, item)) for item in value or [])

"""Serializer fields that hold a JSON body to the types the OpenAPI document gives.

DRF's fields are lenient: a CharField takes 123 as "123", a BooleanField takes "yes" and
1, an IntegerField takes "12" and 12.0. A council system that sends the wrong type has a
bug, and turning its value into something else silently hides it (a message reading
"123"). In a JSON body these fields refuse any value not already of their type. In form
data (an upload, multipart) every value is text, so there DRF's own parsing applies."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers


def _from_form(field: serializers.Field) -> bool:
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str) and not _from_form(self):
            self.fail("invalid")  # "Not a valid string."
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str) and not _from_form(self):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if (not isinstance(data, int) or isinstance(data, bool)) and not _from_form(self):
            self.fail("invalid")  # "A valid integer is required."
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool) and not _from_form(self):
            self.fail("invalid", input=data)  # "Must be a valid boolean."
        return super().to_internal_value(data)

"""The shared field template: the ids Django's aria-describedby names (`<id>_helptext`, `<id>_error`) exist."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class Sample(forms.Form):
    email = forms.EmailField(help_text="We write to you here.")


def test_aria_describedby_resolves_to_the_help_and_the_error():
    form = Sample({"email": "not-an-email"})
    html = render_to_string("_field.html", {"field": form["email"]})
    ids = re.search(r'aria-describedby="([^"]+)"', html).group(1).split()
    assert ids == ["id_email_helptext", "id_email_error"]
    for target in ids:
        assert f'id="{target}"' in html

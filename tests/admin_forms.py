"""Submitting an admin page's form as a browser would: what the page shows, unchanged
unless a test changes it."""

from lxml import html as lxml_html


def form_values(response, form_id=None):
    """The values a browser would send from the page's form (the first form whose id
    ends with "_form", or `form_id`): text inputs, hidden inputs, ticked boxes, chosen
    options and text areas, as a dict of lists."""
    page = lxml_html.fromstring(response.content.decode())
    forms = [form for form in page.forms
             if (form.get("id") == form_id if form_id else
                 (form.get("id") or "").endswith("_form"))]
    assert forms, "no such form on the page"
    values = {}
    for element in forms[0].inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = [option.get("value", option.text or "")
                      for option in element.iter("option") if option.get("selected") is not None]
            values.setdefault(name, []).extend(chosen)
        elif element.tag == "textarea":
            # As browsers do, without the line break that opens the element.
            text = element.text or ""
            values.setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                continue
            if kind in ("checkbox", "radio") and element.get("checked") is None:
                continue
            values.setdefault(name, []).append(element.get("value", "on" if kind in (
                "checkbox", "radio") else ""))
    return values


def submit(client, response, url=None, form_id=None, **changes):
    """POST the page's form to `url` (the page's own address by default) with `changes`
    (field name -> value or list of values) applied."""
    data = form_values(response, form_id)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(url or response.request["PATH_INFO"], data)


# The project form's rows of money, results and policy markers, empty: what a browser
# sends for them when a test posts the project form's fields by hand.
PROJECT_INLINES = {f"{prefix}-{name}": "0"
                   for prefix in ("transactions", "results", "policy_markers")
                   for name in ("TOTAL_FORMS", "INITIAL_FORMS")}

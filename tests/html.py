"""Reading a page's HTML as a visitor's browser would: elements by tag, class and attributes."""


def select(element, tag, class_name=None, **attributes):
    """The descendants of `element` with that tag, class and attributes (lxml's XPath)."""
    conditions = []
    if class_name:
        conditions.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {class_name} ')")
    conditions += [f"@{name.replace('_', '-')}='{value}'" for name, value in attributes.items()]
    return element.xpath(f".//{tag}" + "".join(f"[{c}]" for c in conditions))


def page_html(client, path):
    """The page's HTML, asserting that it answered 200."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()

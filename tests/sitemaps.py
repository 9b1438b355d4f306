"""Reading the sitemap as a crawler does: the index at /sitemap.xml, then every section
page it lists."""

import re

LOC = re.compile(r"<loc>([^<]+)</loc>")


def sitemap_pages(client):
    """{path of each section page: its XML}, followed from the index."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    pages = {}
    for location in LOC.findall(index.content.decode()):
        path = re.sub(r"^https?://[^/]+", "", location).replace("&amp;", "&")
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


def sitemap_xml(client):
    """Every section page's XML, joined: what the sitemap lists as a whole."""
    return "\n".join(sitemap_pages(client).values())

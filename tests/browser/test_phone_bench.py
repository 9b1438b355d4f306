"""The phone benchmark's measuring (bench/phone.py) on tiny pages whose answers are known."""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import phone  # noqa: E402

# An image of a known size (padded with a comment), kept in the browser's cache for an hour.
PHOTO = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">'
         '<rect width="300" height="200" fill="#c00"/><!--' + "x" * 20_000 + "--></svg>"
         ).encode()
# Late enough for the text to be on screen before it: when it came half a second after
# the navigation, Chromium reported no shift in about one load of four.
SLOW_SECONDS = 1.5
PAGES = {
    # The photo, with its size given, is the largest thing painted; nothing moves.
    "/photo.html": b'<!doctype html><meta name="viewport" content="width=device-width">'
                   b'<title>t</title><p>A line.</p>'
                   b'<img src="/photo.svg" width="300" height="200" alt="">',
    # The photo, without a size, arrives after the text is painted and pushes it down.
    "/shift.html": b'<!doctype html><meta name="viewport" content="width=device-width">'
                   b'<title>t</title><img src="/slow.svg" alt="">'
                   + b"<p>A line of text that the late photo pushes down.</p>" * 20,
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in PAGES:
            body, kind, cache = PAGES[self.path], "text/html", "no-cache"
        elif self.path in ("/photo.svg", "/slow.svg"):
            if self.path == "/slow.svg":
                time.sleep(SLOW_SECONDS)
            body, kind, cache = PHOTO, "image/svg+xml", "max-age=3600"
        else:
            body, kind, cache = b"", "text/plain", "no-store"
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def context(browser):
    context = phone.phone_context(browser)
    yield context
    context.close()


# Unthrottled: what is checked here is what the figures count, not how fast.
def view(context, url):
    return phone.measure_view(context, url, settle=0.2, throttled=False)


def test_first_view_counts_the_photo_and_repeat_view_takes_it_from_the_cache(
        context, origin):
    first = view(context, origin + "/photo.html")
    repeat = view(context, origin + "/photo.html")

    assert first["lcp_element"] == "img /photo.svg"
    assert first["lcp_ms"] > 0
    assert first["cls"] == 0
    page_and_photo = len(PAGES["/photo.html"]) + len(PHOTO)
    # Bodies plus headers (favicon.ico's 404 too), nothing more.
    assert page_and_photo < first["bytes"] < page_and_photo + 2_000
    # The page again (no-cache) but not the photo.
    assert repeat["lcp_element"] == "img /photo.svg"
    assert len(PAGES["/photo.html"]) < repeat["bytes"] < len(PHOTO)
    assert repeat["requests_transferred"] < repeat["requests"]


def test_a_photo_without_a_size_shifts_the_layout(context, origin):
    shifted = view(context, origin + "/shift.html")

    assert shifted["layout_shifts"] >= 1
    assert shifted["cls"] > phone.TARGETS["cls"]

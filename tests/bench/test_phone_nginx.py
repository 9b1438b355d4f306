"""The phone benchmark's nginx: its site is deploy/nginx.conf's, on plain http on loopback."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import phone  # noqa: E402

DEPLOY = (ROOT / "deploy" / "nginx.conf").read_text()



def test_site_is_the_https_server_on_loopback_http():
    site, media = phone.site_config(DEPLOY, "127.0.0.1:8080", "127.0.0.1:9000", "/tmp/m")

    assert "listen 127.0.0.1:8080;" in site
    assert "upstream palmecentret {\n    server 127.0.0.1:9000;\n}" in site
    # What the TLS proxy would send; anything else makes the portal redirect to https.
    assert "proxy_set_header X-Forwarded-Proto https;" in site
    assert "$scheme" not in site
    for gone in ("ssl_", "443", "server_name", "acme-challenge", "return 301"):
        assert gone not in site
    # The rest of the https server, as it is.
    for kept in (re.search(r"client_max_body_size [^;]+;", DEPLOY).group(),
                 "proxy_read_timeout 60s;",
                 "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"):
        assert kept in site


def test_media_locations_read_the_benchmarks_media_root():
    site, media = phone.site_config(DEPLOY, "127.0.0.1:8080", "127.0.0.1:9000",
                                    "/tmp/run/media")

    # Production serves the renditions, never the originals, with its own headers.
    assert media == ("/media/renditions/", "renditions")
    assert "alias /tmp/run/media/renditions/;" in site
    assert "/srv/palmecentret" not in site
    assert "immutable" in site
    assert "X-Content-Type-Options nosniff" in site


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_derived_configuration(tmp_path):
    tmp_path.chmod(0o755)
    command, _ = phone.write_nginx_config(tmp_path, 8080, 9000, tmp_path / "media")

    result = subprocess.run([*command, "-t"], capture_output=True, text=True,
                            env=os.environ.copy())

    assert result.returncode == 0, result.stderr

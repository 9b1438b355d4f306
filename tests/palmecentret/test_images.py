"""Images staff give to content: uploads checked by their content and stored without
metadata (GPS above all), renditions in WebP and JPEG at several widths, the <picture>
markup pages show, the alt text required with an image, and the fallback without one."""

import io
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.images import WIDTHS
from tests.admin_forms import submit
from tests.admin_personas import carl
from tests.conftest import local_cache
from tests.factories import CountryFactory, MemberOrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    yield from local_cache(settings, "image-tests", page_cache_seconds=0)


@pytest.fixture
def editor(client):
    client.force_login(carl())
    return client


def jpeg_with_gps(size=(1000, 600)):
    """A JPEG as a phone writes it: GPS position, camera make, a comment, and an EXIF
    orientation saying "turn me 90°"."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 80, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 7.0)})
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, comment=b"taken at the partner's office")
    return output.getvalue()


def upload(data, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_image(client, obj, image_file, **changes):
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    page = client.get(url)
    fields = {"image_alt_sv": "Två färgfält", "image_alt_en": "Two fields of colour",
              "image_credit": "Anna Fotograf", "image_licence": "CC BY 4.0", **changes}
    return submit(client, page, image=image_file, **fields)


def stored(name):
    return Path(settings.MEDIA_ROOT) / name


def assert_no_metadata(path):
    with Image.open(path) as image:
        assert not image.getexif(), path
        assert not image.getexif().get_ifd(GPS_IFD), path
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
            assert key not in image.info, (path, key)
    assert b"PhoneMaker" not in path.read_bytes()
    assert b"partner's office" not in path.read_bytes()


def errors_of(response):
    return response.context["adminform"].form.errors


class TestUpload:
    def test_a_photo_with_gps_is_stored_and_rendered_without_any_metadata(self, editor):
        project = ProjectFactory()
        response = post_image(editor, project, upload(jpeg_with_gps()))
        assert response.status_code == 302, errors_of(response)
        project.refresh_from_db()
        original = stored(project.image.name)
        assert project.image.name.startswith("originals/")
        assert_no_metadata(original)
        with Image.open(original) as image:
            # The orientation applied: a 1000 x 600 photo "turned 90°" stands upright.
            assert image.size == (600, 1000) == (project.image_width, project.image_height)
        files = [stored(f.name) for _, _, webp, jpeg in project.renditions()
                 for f in (webp, jpeg)]
        assert len(files) == 4  # 480 and the original's 600, WebP and JPEG: no upscaling
        for path in files:
            assert path.exists(), path
            assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "renditions")
            assert_no_metadata(path)
        with Image.open(files[0]) as webp, Image.open(files[1]) as jpeg:
            assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
            assert webp.size == jpeg.size == (480, 800)
        # Made when the image was saved (pages never make one), and only those offered:
        # a wider one would be a copy at the original's size.
        for width in WIDTHS[2:]:
            assert not stored(getattr(project, f"image_w{width}_webp").name).exists()

    def test_a_text_file_named_jpg_is_refused_in_swedish(self, editor):
        project = ProjectFactory()
        response = post_image(editor, project, upload(b"just some text, not a photo\n" * 50))
        assert response.status_code == 200
        assert "inte en JPEG-, PNG- eller WebP-bild" in str(errors_of(response)["image"])
        project.refresh_from_db()
        assert not project.image

    def test_a_gif_is_refused_whatever_its_name(self, editor):
        output = io.BytesIO()
        Image.new("RGB", (10, 10)).save(output, "GIF")
        response = post_image(editor, ProjectFactory(), upload(output.getvalue(), "bild.png"))
        assert "Bara JPEG-, PNG- och WebP-bilder" in str(errors_of(response)["image"])

    def test_a_file_over_the_size_limit_is_refused(self, editor, settings):
        settings.IMAGE_UPLOAD_MAX_BYTES = 20_000
        noise = Image.frombytes("RGB", (300, 300), random.Random(1).randbytes(300 * 300 * 3))
        output = io.BytesIO()
        noise.save(output, "PNG")
        assert len(output.getvalue()) > 20_000
        response = post_image(editor, ProjectFactory(), upload(output.getvalue(), "stor.png"))
        assert "största tillåtna bild" in str(errors_of(response)["image"])

    def test_too_many_pixels_are_refused(self, editor, settings):
        settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
        output = io.BytesIO()
        Image.new("RGB", (200, 100)).save(output, "PNG")
        response = post_image(editor, ProjectFactory(), upload(output.getvalue(), "bred.png"))
        assert "200 × 100 pixlar" in str(errors_of(response)["image"])

    def test_a_decompression_bomb_is_refused_before_it_is_decoded(self, editor):
        response = post_image(editor, ProjectFactory(), upload(png_bomb(), "bomb.png"))
        assert response.status_code == 200
        assert "dekompressionsbomb" in str(errors_of(response)["image"])

    def test_alt_text_is_required_in_both_languages_with_an_image(self, editor):
        project = ProjectFactory()
        response = post_image(editor, project, upload(jpeg_with_gps()), image_alt_sv="",
                              image_alt_en="")
        errors = errors_of(response)
        assert "alt-text" in str(errors["image_alt_sv"])
        assert "alt-text" in str(errors["image_alt_en"])
        project.refresh_from_db()
        assert not project.image

    def test_the_admin_preview_is_a_rendition_never_the_original(self, editor):
        project = ProjectFactory()
        post_image(editor, project, upload(jpeg_with_gps()))
        project.refresh_from_db()
        page = editor.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
        assert 'Bild</h2>' in page
        assert f'src="{project.image_w480_jpeg.url}"' in page
        assert f'src="/media/{project.image.name}"' not in page

    def test_the_form_names_the_stored_image_without_a_link_nothing_serves(self, editor):
        # Originals are kept, never served (deploy/nginx.conf): a link to one is a 404.
        project = ProjectFactory()
        post_image(editor, project, upload(jpeg_with_gps()))
        project.refresh_from_db()
        page = editor.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
        assert "/media/originals/" not in page
        assert "Nuvarande:" in page and project.image.name.rsplit("/", 1)[-1] in page
        assert 'name="image-clear"' in page  # the image can still be removed


def png_bomb():
    """A tiny PNG whose header claims 100,000 × 100,000 pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


class TestPages:
    def test_a_project_page_and_its_card_show_the_renditions(self, client, editor):
        project = ProjectFactory(title_sv="Fotoprojektet")
        post_image(editor, project, upload(jpeg_with_gps((2400, 1600))), image_alt_sv="Två fält")
        editor.logout()
        html = client.get(project.get_absolute_url()).content.decode()
        lead = re.search(r'<figure class="media media--lead">.*?</figure>', html).group()
        assert 'type="image/webp" srcset="' in lead
        assert re.search(r'srcset="[^"]+480w, [^"]+800w, [^"]+1200w, [^"]+1600w"', lead)
        assert 'width="800" height="1200"' in lead  # the 800 px rendition of 1600 x 2400
        assert 'alt="Två fält"' in lead and "sizes=" in lead
        assert 'fetchpriority="high"' in lead and 'loading="lazy"' not in lead
        assert "Foto: Anna Fotograf · Licens: CC BY 4.0" in lead
        card = client.get("/projekt/").content.decode()
        assert 'class="card-media"><figure class="media media--card">' in card
        assert 'loading="lazy"' in card and 'alt="Två fält"' in card

    def test_a_new_image_shows_at_once_on_cards(self, client, editor):
        project = ProjectFactory()
        post_image(editor, project, upload(jpeg_with_gps()))
        project.refresh_from_db()
        first = project.image_w480_webp.url
        assert first in client.get("/projekt/").content.decode()
        output = io.BytesIO()
        Image.new("RGB", (900, 600), (0, 120, 0)).save(output, "PNG")
        post_image(editor, project, upload(output.getvalue(), "ny.png", "image/png"))
        project.refresh_from_db()
        html = client.get("/projekt/").content.decode()
        assert first not in html and project.image_w480_webp.url in html

    def test_without_an_image_cards_show_the_country_on_its_region_colour(self, client):
        country = CountryFactory(iso_code="PS", region__slug="mellanostern-och-nordafrika")
        ProjectFactory(countries=[country])
        html = client.get("/projekt/").content.decode()
        fallback = re.search(r'<div class="card-media">(.*?)</div>\s*<div class="card-body',
                             html, re.S).group(1)
        assert 'class="media-fallback media-fallback--card ' in fallback
        assert "media-fallback--mellanostern-och-nordafrika" in fallback
        assert 'aria-hidden="true"' in fallback and "<path d=" in fallback
        assert "<img" not in fallback

    def test_member_logos_in_the_list_and_a_stand_in_without_one(self, client, editor):
        with_logo = MemberOrganisationFactory(name_sv="Arbetarnas bildningsförbund",
                                              short_name="ABF")
        MemberOrganisationFactory(name_sv="Hyresgästföreningen", short_name="HGF")
        post_image(editor, with_logo, upload(jpeg_with_gps()))
        editor.logout()
        html = client.get("/medlemmar/").content.decode()
        assert html.count('class="member-logo"><figure class="media media--logo">') == 1
        assert '<span class="media-fallback-text">HGF</span>' in html


def test_demo_projects_wear_a_badge_not_a_sentence(client):
    project = ProjectFactory(is_demo=True, summary_sv="Om arbetet.")
    ProjectFactory(title_sv="Ett verkligt projekt")
    html = client.get("/projekt/").content.decode()
    assert html.count('class="badge demo-badge"') == 1
    assert "Exempel<span class=\"visually-hidden\">: påhittat exempelinnehåll</span>" in html
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'class="badge demo-badge"' in page
    assert "Exempelprojekt (demoinnehåll)" not in page
    english = client.get("/en/projects/").content.decode()
    assert "Demo<span class=\"visually-hidden\">: made-up example content</span>" in english

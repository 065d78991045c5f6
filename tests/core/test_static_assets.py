"""Static files as production serves them (STATIC_MANIFEST=true in jiebang/settings.py):
whitenoise's CompressedManifestStaticFilesStorage gives every file a content-hashed name
(cached for a year by browsers and whitenoise) with pre-compressed .gz and, where the brotli
package is installed, .br siblings, and the pages link the hashed names.

The vendor files come from node_modules (`npm ci`, which `make test` runs): without them
these tests fail, they do not skip. Only the files listed in settings.VENDOR_STATIC are
collected from the packages (jiebang/core/static_finders.py). The compressed collection is
limited to the files the public pages load (brotli at its best quality is slow); a second
test hashes every static file of the project, as the deploy's collectstatic does, without
compressing.
"""

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.integration

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
HAS_BROTLI = importlib.util.find_spec("brotli") is not None

# What the public pages load (jiebang/templates/base.html): every vendor package but ECharts
# (the dashboard's).
PUBLIC_VENDOR = [entry for entry in settings.VENDOR_STATIC if entry[0] != "vendor/echarts"]
# The project's own configuration, whatever a fixture overrides later.
VENDOR_STATIC = list(settings.VENDOR_STATIC)
STATICFILES_DIRS = list(settings.STATICFILES_DIRS)
STATICFILES_FINDERS = list(settings.STATICFILES_FINDERS)
STORAGES = dict(settings.STORAGES)
SITE_STATIC = Path(settings.BASE_DIR) / "jiebang" / "core" / "static"
CHECKED = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/htmx/htmx.min.js",
    "jiebang/site.css",
    "jiebang/site.js",
]


def vendor_root(prefix: str) -> Path:
    root = Path(next(root for name, root, _files in VENDOR_STATIC if name == prefix))
    if not root.is_dir():
        pytest.fail(
            f"{root} is missing: the front-end packages are not installed. Run `npm ci` "
            "(`make test` and `make install` do it) before these tests."
        )
    return root


def storages_with(backend: str) -> dict:
    return {**STORAGES, "staticfiles": {"BACKEND": backend}}


@pytest.fixture(scope="module")
def public_static(tmp_path_factory):
    """The public pages' vendor files and the site's own static folder, collected with the
    settings of STATIC_MANIFEST=true into a STATIC_ROOT in tmp."""
    tmp_path = tmp_path_factory.mktemp("public-static")
    for prefix, _root, _files in PUBLIC_VENDOR:
        vendor_root(prefix)
    with override_settings(
        STATIC_ROOT=tmp_path / "static",
        VENDOR_STATIC=PUBLIC_VENDOR,
        STATICFILES_DIRS=[str(SITE_STATIC)],
        STATICFILES_FINDERS=[
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "jiebang.core.static_finders.VendorFinder",
        ],
        STORAGES=storages_with(PRODUCTION_STORAGE),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path / "static"


def hashed_name(root: Path, name: str) -> Path:
    path = Path(name)
    pattern = re.compile(rf"{re.escape(path.stem)}\.[0-9a-f]{{12}}{re.escape(path.suffix)}")
    found = [p for p in (root / path.parent).iterdir() if pattern.fullmatch(p.name)]
    assert len(found) == 1, f"no single hashed copy of {name}: {found}"
    return found[0]


def test_public_assets_are_hashed_and_precompressed(public_static):
    manifest = (public_static / "staticfiles.json").read_text()
    for name in CHECKED:
        hashed = hashed_name(public_static, name)
        assert f'"{name}": "{hashed.relative_to(public_static).as_posix()}"' in manifest
        assert (hashed.parent / f"{hashed.name}.gz").is_file(), f"{hashed}.gz"
        if HAS_BROTLI:
            assert (hashed.parent / f"{hashed.name}.br").is_file(), f"{hashed}.br"
    # References inside CSS are rewritten to the hashed names too.
    icons = hashed_name(public_static, "vendor/bootstrap-icons/bootstrap-icons.min.css")
    fonts = re.findall(r'url\("(fonts/[^"?]+)', icons.read_text())
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2?$", font) for font in fonts)
    assert all((icons.parent / font).is_file() for font in fonts)


@pytest.mark.django_db
def test_the_public_hall_links_the_hashed_assets(public_static, client, settings):
    settings.HALL_CACHE_SECONDS = 0
    page = client.get("/").content.decode()
    linked = re.findall(r'(?:href|src)="/static/([^"]+)"', page)
    for name in CHECKED:
        hashed = hashed_name(public_static, name).relative_to(public_static).as_posix()
        assert hashed in linked, f"/ does not link {hashed}"
    for url in linked:  # everything the page links was collected, hashed and compressed
        assert (public_static / url).is_file(), url
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), url
        assert (public_static / f"{url}.gz").is_file(), url


def test_every_static_file_gets_a_hashed_name(tmp_path):
    """All finders, every vendor file (ECharts included), as the deploy collects them: the
    hashing pass fails on a reference it cannot resolve (a missing source map or font). The
    compression is left out, it only adds siblings (the test above checks it). Of the
    packages, only what VENDOR_STATIC lists is collected."""
    for prefix, _root, _files in VENDOR_STATIC:
        vendor_root(prefix)
    root = tmp_path / "static"
    try:
        with override_settings(
            STATIC_ROOT=root,
            VENDOR_STATIC=VENDOR_STATIC,
            STATICFILES_DIRS=STATICFILES_DIRS,
            STATICFILES_FINDERS=STATICFILES_FINDERS,
            STORAGES=storages_with("django.contrib.staticfiles.storage.ManifestStaticFilesStorage"),
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
        manifest = (root / "staticfiles.json").read_text()
        for name in [*CHECKED, "vendor/echarts/echarts.min.js", "jiebang/dashboard.js"]:
            assert f'"{name}":' in manifest, name
            hashed_name(root, name)
        listed = {f"{prefix}/{name}" for prefix, _root, files in VENDOR_STATIC for name in files}
        collected = {
            path.relative_to(root).as_posix()
            for path in (root / "vendor").rglob("*")
            if path.is_file() and not re.search(r"\.[0-9a-f]{12}\.", path.name)
        }
        assert collected == listed  # not ECharts' other builds, not bootstrap's sources
    finally:
        shutil.rmtree(root, ignore_errors=True)

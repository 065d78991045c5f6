"""Static files as production serves them (STATIC_MANIFEST=true in jiebang/settings.py):
whitenoise's CompressedManifestStaticFilesStorage gives every file a content-hashed name
(cached for a year by browsers and whitenoise) with pre-compressed .gz and, where the brotli
package is installed, .br siblings, and the pages link the hashed names.

The vendor files come from node_modules (`npm ci`, which `make test` runs): without them
these tests fail, they do not skip. Compressing everything takes minutes (brotli at its
best quality over ECharts' 46 MB), so the compressed collection is limited to the files the
public pages load; a second test hashes every static file of the project, as the deploy's
collectstatic does, without compressing.
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

# What the public pages load (jiebang/templates/base.html), from each STATICFILES_DIRS
# entry, with what those files reference (source maps, icon fonts).
PUBLIC_VENDOR_FILES = {
    "vendor/bootstrap": [
        "css/bootstrap.min.css",
        "css/bootstrap.min.css.map",
        "js/bootstrap.bundle.min.js",
        "js/bootstrap.bundle.min.js.map",
    ],
    "vendor/bootstrap-icons": [
        "bootstrap-icons.min.css",
        "fonts/bootstrap-icons.woff",
        "fonts/bootstrap-icons.woff2",
    ],
    "vendor/htmx": ["htmx.min.js"],
}
# The project's own configuration, whatever a fixture overrides later.
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
    root = Path(dict(STATICFILES_DIRS)[prefix])
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
    """The public pages' vendor files, copied under their STATICFILES_DIRS prefixes, plus the
    site's own static folder; settings as with STATIC_MANIFEST=true, STATIC_ROOT in tmp."""
    tmp_path = tmp_path_factory.mktemp("public-static")
    sources = tmp_path / "sources"
    dirs = []
    for prefix, files in PUBLIC_VENDOR_FILES.items():
        root = vendor_root(prefix)
        for name in files:
            target = sources / prefix / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, target)
        dirs.append((prefix, str(sources / prefix)))
    dirs.append(str(SITE_STATIC))
    with override_settings(
        STATIC_ROOT=tmp_path / "static",
        STATICFILES_DIRS=dirs,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
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
    """All finders, all STATICFILES_DIRS (ECharts included), as the deploy collects them:
    the hashing pass fails on a reference it cannot resolve (a missing source map or font).
    The compression is left out, it only adds siblings (the test above checks it)."""
    for prefix, _root in STATICFILES_DIRS:
        vendor_root(prefix)
    root = tmp_path / "static"
    try:
        with override_settings(
            STATIC_ROOT=root,
            STATICFILES_DIRS=STATICFILES_DIRS,
            STATICFILES_FINDERS=STATICFILES_FINDERS,
            STORAGES=storages_with("django.contrib.staticfiles.storage.ManifestStaticFilesStorage"),
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
        manifest = (root / "staticfiles.json").read_text()
        for name in [*CHECKED, "vendor/echarts/echarts.min.js", "jiebang/dashboard.js"]:
            assert f'"{name}":' in manifest, name
            hashed_name(root, name)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # 140 MB

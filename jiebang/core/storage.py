"""Where private files (attachments, export and import files) are kept.

`settings.STORAGES["private"]` names the backend: a folder (`PRIVATE_MEDIA_ROOT`, the
default) or, with `PRIVATE_STORAGE=s3`, an S3-compatible bucket through django-storages'
`S3Storage`. Either way nothing is public: no URL is ever handed out, every read goes through
a permission-checked view that streams the file (jiebang/core/views.py, core/exports.py).

The FileFields hold a `PrivateStorage`, which looks the backend up in
`django.core.files.storage.storages` at each call rather than once. Two reasons:
- a FileField builds its storage when the model class is created; resolving the S3 backend
  there would import django-storages while the models load, so a missing package would crash
  `manage.py check` before the check that explains it (core/checks.py) could run;
- `override_settings(STORAGES=…)` resets Django's `storages` handler, so tests switch the
  private files to (moto's) S3 without reloading the models.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

PRIVATE_ALIAS = "private"
S3_BACKEND = "storages.backends.s3.S3Storage"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files outside the web root; the location is read from settings at each use (tests
    give each test its own PRIVATE_MEDIA_ROOT)."""

    def __init__(self, **kwargs):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_backend() -> Storage:
    """The configured backend itself (a FileSystemStorage or an S3Storage)."""
    return storages[PRIVATE_ALIAS]


def uses_s3() -> bool:
    return settings.STORAGES.get(PRIVATE_ALIAS, {}).get("BACKEND") == S3_BACKEND


def s3_location() -> dict[str, str]:
    """Bucket, prefix and endpoint of the S3 backend, for the backup manifest and messages."""
    options = settings.STORAGES.get(PRIVATE_ALIAS, {}).get("OPTIONS", {})
    return {
        "bucket": options.get("bucket_name") or "",
        "prefix": options.get("location") or "",
        "endpoint": options.get("endpoint_url") or "",
    }


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a failed storage call raises: OSError for a folder; botocore's errors for S3
    (a refused request, an unreachable endpoint), which are not OSErrors."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


class PrivateStorage(Storage):
    """Hands every call to the configured private backend, looked up at each call (see the
    module's docstring). Names and their validation are the backend's own."""

    @property
    def backend(self) -> Storage:
        return private_backend()

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def path(self, name):
        # Only a folder has paths; S3 raises NotImplementedError, as any non-local storage.
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

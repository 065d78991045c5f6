"""The front-end packages' files, from node_modules, as static files.

Only the files the pages load (and what those files reference: source maps, icon fonts) are
found and collected, not the packages' whole `dist` folders: ECharts' alone is 46 MB of
builds nobody loads, and compressing it with brotli made a production `collectstatic`
(STATIC_MANIFEST=true) take over seven minutes on two cores.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.checks import Error, Warning
from django.core.files.storage import FileSystemStorage


class VendorFinder(FileSystemFinder):
    """`settings.VENDOR_STATIC`: `(prefix, folder, [file names under the folder])`."""

    def __init__(self, app_names=None, *args, **kwargs):
        super().__init__(app_names, *args, **kwargs)
        self.locations, self.storages, self.allowed = [], {}, {}
        for prefix, root, names in settings.VENDOR_STATIC:
            root = str(root)
            self.locations.append((prefix, root))
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.storages[root] = storage
            self.allowed[root] = set(names)

    def check(self, **kwargs):
        errors = []
        for prefix, root, names in settings.VENDOR_STATIC:
            if prefix.endswith("/"):
                errors.append(
                    Error(
                        f"The VENDOR_STATIC prefix {prefix!r} must not end with a slash.",
                        id="jiebang.E010",
                    )
                )
            missing = [name for name in names if not os.path.exists(os.path.join(root, name))]
            if missing:
                errors.append(
                    Warning(
                        f"{len(missing)} front-end file(s) missing under {root}: "
                        f"{', '.join(missing)}.",
                        hint="Run `npm ci` (make run and make test do).",
                        id="jiebang.W010",
                    )
                )
        return errors

    def find_location(self, root, path, prefix=None):
        if prefix:
            if not path.startswith(prefix + "/"):
                return None
            path = path.removeprefix(prefix + "/")
        if path not in self.allowed[root]:
            return None
        return super().find_location(root, path)

    def list(self, ignore_patterns):
        for _prefix, root in self.locations:
            storage = self.storages[root]
            for name in sorted(self.allowed[root]):
                if os.path.exists(os.path.join(root, name)):
                    yield name, storage

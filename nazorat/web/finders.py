"""Serves the front-end libraries shipped by pip packages (XStatic) under /static/vendor/<name>/,
so nothing third-party is copied into the repository and nothing comes from a CDN."""

from __future__ import annotations

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import get_files
from django.core.files.storage import FileSystemStorage


def _xstatic_roots() -> dict[str, str]:
    import xstatic.pkg.bootstrap as bootstrap
    import xstatic.pkg.leaflet as leaflet

    return {"vendor/bootstrap": bootstrap.BASE_DIR, "vendor/leaflet": leaflet.BASE_DIR}


class XStaticFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages = {}
        for prefix, root in _xstatic_roots().items():
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.storages[prefix] = storage

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        matches = []
        for prefix, storage in self.storages.items():
            if path.startswith(prefix + "/"):
                rel = path[len(prefix) + 1:]
                if storage.exists(rel):
                    found = storage.path(rel)
                    if not find_all:
                        return found
                    matches.append(found)
        return matches

    def list(self, ignore_patterns):
        for storage in self.storages.values():
            for path in get_files(storage, ignore_patterns):
                yield path, storage

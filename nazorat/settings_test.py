"""Settings for the test suite: the same as production except for speed and isolation."""

from .settings import *  # noqa: F401,F403
from .settings import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HUEY = {**HUEY, "immediate": True}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
NAZORAT_SMS_BACKEND = "nazorat.notifications.channels.MemorySmsBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": [],  # noqa: F405
                  "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None, "appeal_submit": None}}

# A file-backed SQLite test database (not in-memory), so that threads and the live server use real
# connections with WAL and IMMEDIATE transactions, as the demo does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import os
    import tempfile

    # One file per test process, so parallel runs (xdist workers, two checkouts) never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"nazorat-test-{os.getpid()}.sqlite3")}

"""Choose the interface language. Uzbek, the state language, is the default for web pages (R-D6, legal-rules
rule 30): the browser's Accept-Language does not override it — the visitor's choice (the switcher's cookie) or
the account's preferred language does. API clients, which ask explicitly, get what Accept-Language asks for."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    if request.path_info.startswith("/api/"):
        return translation.get_language_from_request(request)
    user = getattr(request, "user", None)
    preferred = getattr(user, "preferred_language", None) if user is not None and user.is_authenticated else None
    if preferred in SUPPORTED:
        return preferred
    return settings.LANGUAGE_CODE


class NazoratLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

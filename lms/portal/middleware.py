"""Spanish first: the language is es-CO unless the person chose another.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set to
English would get English pages in a Spanish-first programme. Here only an explicit
choice counts: the language cookie set by the language switch (``set_language``).
Wagtail's admin still applies each editor's own language preference on top.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SpanishFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

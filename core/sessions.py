"""The session engine (SESSION_ENGINE): Django's database sessions, refusing a malformed key.

Django makes session keys of lowercase letters and digits, but looked up whatever the cookie
said; a NUL in it reached PostgreSQL, which cannot hold one, and every page answered 500. A
malformed key now counts as no session: the visitor is anonymous."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and key.isascii() and key.isalnum() and len(key) <= 40

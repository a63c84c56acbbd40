"""API token authentication, apart from core.api: DRF reads it from the settings while it is
still importing its own views, which core.api uses."""

import re

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's tokens, refusing a key that is not one: a token is 40 hex digits (authtoken makes
    them with secrets.token_hex(20)), and a NUL in a made-up one reached PostgreSQL (500)."""

    def authenticate_credentials(self, key):
        if not re.fullmatch(r"[0-9a-f]{40}", key):
            raise AuthenticationFailed("认证令牌无效。")
        return super().authenticate_credentials(key)

"""What django-axes keys failed logins on (AXES_USERNAME_CALLABLE in the settings)."""

# axes stores the username in CharField(max_length=255) columns.
AXES_USERNAME_LENGTH = 255


def lockout_username(request, credentials=None):
    """The username as typed — from the credentials authenticate() got, else the posted form or
    API body — cut to the 255 characters axes can store. No account's name is that long, so the
    cut never merges two accounts; without it, a longer name on the login page, the admin login
    or the token API was a database error (500) instead of a failed login."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username

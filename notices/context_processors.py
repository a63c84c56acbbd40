from . import services


def unread(request):
    """The bell's count. A callable, so only pages that show the navigation ask for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": lambda: services.unread_count(user)}

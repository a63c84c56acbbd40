from . import access


def roles(request):
    """What the navigation needs to know about the user. Callables, so a page that never
    shows the navigation (the admin) never runs the one query for the user's groups."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unit_staff": lambda: access.is_unit_staff(user),
        "nav_reads_everything": lambda: access.reads_everything(user),
    }

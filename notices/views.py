"""The notification centre: the user's notices, newest first, and their email settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import parse_choice

from . import services
from .forms import EmailSettingsForm

PAGE_SIZE = 20


@login_required
def notice_list(request):
    show = parse_choice(request.GET.get("show"), "show", ("all", "unread"), default="all")
    notices = services.notices_of(request.user, unread_only=show == "unread")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "notices", "page_obj": page, "notices": page.object_list, "show": show}
    return render(request, "notices/list.html", context)


@login_required
def open_notice(request, pk):
    """Follow a notice to what it is about, marking it read on the way. A GET with an effect,
    on purpose: it only moves the reader's own read marker, and a link is what people click."""
    notice = get_object_or_404(services.notices_of(request.user), pk=pk)
    services.mark_read(request.user, [notice.pk])
    return redirect(notice.link)  # a path this site wrote (notices.events), never user input


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notice-list")


@login_required
def email_settings(request):
    form = EmailSettingsForm(request.POST or None, initial={"kinds": sorted(services.emailed_kinds(request.user))})
    if request.method == "POST" and form.is_valid():
        services.set_emailed_kinds(request.user, form.cleaned_data["kinds"])
        messages.success(request, "通知设置已保存。")
        return redirect("notice-settings")
    return render(request, "notices/settings.html", {"nav": "notices", "form": form})

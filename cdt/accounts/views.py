"""Account pages: the profile (who am I in the system)."""
from django.shortcuts import render

from cdt.core.access import AUTHENTICATED, declare_access


@declare_access(AUTHENTICATED)
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "effective_clearance": user.effective_clearance(),
            "api_tokens": user.api_tokens.order_by("-created_at"),
        },
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.services import profile_update


def _save_profile(request, *, template: str, success_message: str, default_next: str):
    # The form works on its own copy so a rejected edit never shows in the page's header.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success_message)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = default_next
            return redirect(next_url)
    return render(request, template, {"form": form})


@login_required
def onboarding(request):
    if request.user.is_onboarded and request.method == "GET":
        return redirect("profile")
    return _save_profile(
        request,
        template="accounts/onboarding.html",
        success_message="Welcome to PeerLoop! Your profile is set.",
        default_next="home",
    )


@login_required
def profile(request):
    return _save_profile(
        request, template="accounts/profile.html", success_message="Profile saved.", default_next="profile"
    )

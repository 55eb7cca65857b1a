import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app
from config.export import member_export
from interviews.notifications.selectors import outbox_health
from interviews.sessions.selectors import sessions_upcoming
from rubrics.selectors import fit_latest, placement_for, todo_sessions, vetting_queue

logger = logging.getLogger(__name__)


STAFF_QUEUE = 5  # interviewers waiting for vetting shown on the staff landing


def home(request):
    """The landing page, or the member's dashboard: what they owe, what comes next, their level;
    staff see the platform's health first."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/landing.html")
    context = {
        "todo": todo_sessions(user),
        "upcoming": sessions_upcoming(user=user, limit=3),
        "placement": placement_for(user),
        "publish_availability": user.is_interviewer and not user.windows.exists(),
    }
    if user.is_staff:
        context["outbox"] = outbox_health()
        context["latest_fit"] = fit_latest()
        context["vetting"] = vetting_queue(limit=STAFF_QUEUE)
    return render(request, "home/dashboard.html", context)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """Liveness for load balancers: the database answers and the Celery broker accepts connections."""
    checks = {"database": _check_database, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure is the answer here, not an error
            logger.warning("healthz: %s failed: %s", name, exc)
            results[name] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **results}, status=200 if healthy else 503
    )


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Something went wrong on our side. It has been logged; please try again."}, status=500
        )
    return render(request, "500.html", status=500)


@login_required
@never_cache
def profile_export(request):
    """Everything PeerLoop holds about the member, as a JSON download."""
    response = JsonResponse(member_export(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="peerloop-export.json"'
    return response

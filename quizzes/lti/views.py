"""The tool's endpoints: OIDC login, launch, JWKS, deep linking, links, and course pages.

The login and launch come from the platform (cross-site POSTs, so no CSRF token: the id_token's
signature, the state and the nonce protect them). Every refusal is a 4xx page saying why.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from quizzes.lti import tasks
from quizzes.lti.forms import LinkChoiceForm
from quizzes.lti.framing import SESSION_KEY, frame_ancestors, lti_session_set
from quizzes.lti.models import LtiContext, Platform, ResourceLink, ScoreSync
from quizzes.lti.services import deep_linking, keys
from quizzes.lti.services import launch as launches
from quizzes.lti.tool import DbToolConf, ToolLaunch, ToolLogin
from quizzes.models import Course, CourseMembership
from quizzes.services.courses import course_bank_add
from quizzes.views.common import render_local

DEEP_LINK_KEY = "lti-deep-link"
TARGET_ELSEWHERE = "The target link is not on this site: check the tool's URLs in the platform."
NO_DEEP_LINK = "There is no deep-linking request in this session: start again from the course."
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _all_platform_origins() -> list[str]:
    origins: list[str] = []
    for platform in Platform.objects.filter(is_active=True):
        origins += [o for o in platform.framing_origins() if o not in origins]
    return origins


def _refused(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    response = render(request, "lti/refused.html", {"reason": reason}, status=status)
    # Shown inside the LMS's frame: any registered platform may frame this page.
    response.lti_frame_origins = _all_platform_origins()  # type: ignore[attr-defined]
    return response


def tool_home(request: HttpRequest) -> HttpResponse:
    """What an administrator pastes into the LMS: the tool's URLs."""
    urls = {
        name: request.build_absolute_uri(reverse(view))
        for name, view in [
            ("login", "lti-login"),
            ("launch", "lti-launch"),
            ("jwks", "lti-jwks"),
            ("deep_link", "lti-launch"),
        ]
    }
    return render(request, "lti/home.html", {"urls": urls})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party initiated login: remember state and nonce, go to the platform."""
    target = request.POST.get("target_link_uri") or request.GET.get("target_link_uri") or ""
    if target and urlsplit(target).netloc not in ("", request.get_host()):
        return _refused(request, TARGET_ELSEWHERE)
    try:
        return ToolLogin(request, DbToolConf()).start(
            launch_url=request.build_absolute_uri(reverse("lti-launch")), now=timezone.now()
        )
    except (LtiException, OIDCException) as exc:
        return _refused(request, f"The login was refused: {exc}")


@csrf_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """Validate the id_token, act on it, sign the user in and open the right page."""
    now = timezone.now()
    try:
        with transaction.atomic():
            message = ToolLaunch(request, DbToolConf(), now=now)
            message.validate()
            platform = message.platform
            result = launches.launch_apply(
                platform=platform, claims=dict(message.get_launch_data()), now=now
            )
            session: dict[str, Any] = {
                SESSION_KEY: {"origins": platform.framing_origins(), "paths": result.frame_paths}
            }
            if result.deep_link:
                session[DEEP_LINK_KEY] = result.deep_link
            token = (
                launches.handoff_create(
                    user=result.user, next_url=result.next_url, session=session, now=now
                )
                if message.cookieless
                else None
            )
    except (LtiException, OIDCException) as exc:
        return _refused(request, f"The launch was refused: {exc}")
    except launches.LaunchRefused as exc:
        return _refused(request, exc.message, exc.status)
    if token is not None:
        response = render(
            request,
            "lti/new_window.html",
            {"url": request.build_absolute_uri(reverse("lti-continue", args=[token]))},
        )
        return frame_ancestors(response, platform.framing_origins())
    auth_login(request, result.user, backend=BACKEND)
    for key, value in session.items():
        request.session[key] = value
    return redirect(result.next_url)


@never_cache
def handoff(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of a cookieless launch, opened in a new (first-party) window."""
    try:
        with transaction.atomic():
            ticket = launches.handoff_consume(token=token, now=timezone.now())
    except launches.LaunchRefused as exc:
        return _refused(request, exc.message, exc.status)
    auth_login(request, ticket.user, backend=BACKEND)
    for key, value in ticket.session.items():
        request.session[key] = value
    return redirect(ticket.next_url)


def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, for platforms to verify its deep links and service tokens."""
    response = JsonResponse(keys.tool_jwks(now=timezone.now()))
    response["Cache-Control"] = "public, max-age=300"
    return response


def _choice_page(request: HttpRequest, form: LinkChoiceForm, **context: Any) -> HttpResponse:
    return render_local(request, "lti/choose.html", {"form": form, **context})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """The instructor picks a bank (and topics); the answer goes back to the platform."""
    data = request.session.get(DEEP_LINK_KEY)
    if not data:
        return _refused(request, NO_DEEP_LINK)
    form = LinkChoiceForm(request.POST or None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return _choice_page(request, form, deep_link=True)
    platform = get_object_or_404(Platform, pk=data["platform"], is_active=True)
    try:
        token, return_url = deep_linking.deep_link_response(
            platform=platform,
            request_data=data,
            bank=form.cleaned_data["bank"],
            topics=list(form.cleaned_data["topics"]),
            title=form.cleaned_data["title"],
            launch_url=request.build_absolute_uri(reverse("lti-launch")),
        )
    except LtiException as exc:
        return _refused(request, str(exc), 500)
    del request.session[DEEP_LINK_KEY]
    return render(request, "lti/deep_link_return.html", {"jwt": token, "return_url": return_url})


def _teaches(user: Any, course: Course) -> bool:
    if user.is_superuser:
        return True
    return CourseMembership.objects.filter(
        course=course, user=user, role=CourseMembership.Role.INSTRUCTOR, left_at__isnull=True
    ).exists()


@login_required
@require_http_methods(["GET", "POST"])
def link_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """An instructor binds a link the platform made by hand (no deep linking) to a bank."""
    link = get_object_or_404(ResourceLink.objects.select_related("context__course"), pk=pk)
    course = link.context.course if link.context else None
    if not (request.user.is_superuser or (course is not None and _teaches(request.user, course))):
        raise Http404("No such link among your courses.")
    form = LinkChoiceForm(request.POST or None, user=request.user, initial={"title": link.title})
    if request.method != "POST" or not form.is_valid():
        return _choice_page(request, form, link=link)
    with transaction.atomic():
        launches.resource_link_bind(
            link=link, bank=form.cleaned_data["bank"], topics=list(form.cleaned_data["topics"])
        )
        if course is not None:
            course_bank_add(course=course, bank=form.cleaned_data["bank"])
    paths = launches.frame_paths(bank=form.cleaned_data["bank"], role="instructor")
    lti = request.session.get(SESSION_KEY) or {}
    lti_session_set(request, origins=lti.get("origins", []), paths=paths)
    messages.success(request, f"This activity now studies {form.cleaned_data['bank'].title}.")
    return redirect(reverse("lti-course", args=[course.pk]) if course else reverse("home"))


@login_required
def course_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The instructor's view of an LMS course: members, links, gradebook and roster syncs."""
    course = get_object_or_404(Course, pk=pk)
    if not _teaches(request.user, course):
        raise Http404("No such course among yours.")
    context = LtiContext.objects.filter(course=course).select_related("platform").first()
    links = (
        ResourceLink.objects.filter(context=context).select_related("bank").order_by("title")
        if context
        else ResourceLink.objects.none()
    )
    scores = (
        ScoreSync.objects.filter(link__in=links)
        .select_related("learner", "link")
        .order_by("link__title", "learner__username")
    )
    members = course.memberships.select_related("user").order_by(
        "left_at", "role", "user__username"
    )
    return render_local(
        request,
        "lti/course.html",
        {
            "course": course,
            "context": context,
            "links": links,
            "scores": scores,
            "failures": [s for s in scores if s.status == ScoreSync.Status.FAILED],
            "members": members,
        },
    )


@login_required
@require_POST
def course_roster_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a roster sync of the course from the platform."""
    course = get_object_or_404(Course, pk=pk)
    if not _teaches(request.user, course):
        raise Http404("No such course among yours.")
    context = LtiContext.objects.filter(course=course).first()
    if context is None:
        raise Http404("This course did not come from an LMS.")
    tasks.roster_sync_queue(context=context)
    messages.info(request, "Roster sync started: the page shows its result once it is done.")
    return redirect("lti-course", pk=course.pk)

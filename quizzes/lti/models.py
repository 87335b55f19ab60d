"""What the LTI tool keeps: platform registrations, its own keys, logins in flight, the users,
courses and resource links platforms launched, and the scores owed to their gradebooks."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q

from quizzes.models import Bank, Course, Topic


class Platform(models.Model):
    """A registered LMS: who it is (issuer, client id), where logins and tokens go, its keys."""

    name = models.CharField(max_length=200, blank=True, help_text="Shown to people.")
    issuer = models.CharField(max_length=255, help_text="The platform's `iss`, exactly.")
    client_id = models.CharField(max_length=255, help_text="The client id it gave this tool.")
    auth_login_url = models.URLField(max_length=500, help_text="OIDC authentication endpoint.")
    auth_token_url = models.URLField(max_length=500, help_text="OAuth 2 access token endpoint.")
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="Token audience, when not the token URL."
    )
    key_set_url = models.URLField(
        max_length=500, blank=True, help_text="The platform's public key set (JWKS) URL."
    )
    key_set = models.JSONField(
        null=True, blank=True, help_text="Or the JWKS itself, when the platform has no URL."
    )
    frame_origins = models.TextField(
        blank=True,
        help_text="Origins allowed to frame the tool's LTI pages besides the issuer's and the "
        "login URL's, one per line (Canvas: https://yourschool.instructure.com).",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "issuer", "client_id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="uniq_lti_platform"),
            models.CheckConstraint(
                condition=~Q(key_set_url="") | Q(key_set__isnull=False),
                name="lti_platform_has_keys",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.issuer} ({self.client_id})"

    def framing_origins(self) -> list[str]:
        """Origins that may embed the tool's LTI pages (CSP frame-ancestors)."""
        origins: list[str] = []
        for url in [self.issuer, self.auth_login_url, *self.frame_origins.split()]:
            parts = urlsplit(url.strip())
            if parts.scheme in {"https", "http"} and parts.netloc:
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in origins:
                    origins.append(origin)
        return origins


class Deployment(models.Model):
    """One deployment of the tool in a platform (a site-wide or course-level installation)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform", "deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="uniq_lti_deployment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.deployment_id}"


class ToolKey(models.Model):
    """One of the tool's RSA key pairs. The newest active key signs; a retired key stays in the
    JWKS until `retired_at` + the grace period, so platforms that cached it keep working."""

    kid = models.CharField(max_length=64, unique=True)
    private_key = models.TextField(
        blank=True, help_text="PEM; empty when the key lives in `private_key_file`."
    )
    private_key_file = models.CharField(
        max_length=500, blank=True, help_text="A PEM file outside the repository."
    )
    public_jwk = models.JSONField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(private_key="") | ~Q(private_key_file=""),
                name="lti_key_has_private_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({'retired' if self.retired_at else 'active'})"

    def private_pem(self) -> str:
        if self.private_key:
            return self.private_key
        return Path(self.private_key_file).read_text()


class LoginState(models.Model):
    """An OIDC login this tool started: its state and nonce. The launch that answers it must
    carry both; the nonce is used once (`used_at`, set by one conditional UPDATE that only one
    worker can win)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=100, unique=True)
    nonce = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="lti_login_by_time")]

    def __str__(self) -> str:
        return self.state


class LtiUser(models.Model):
    """A platform's user and the account they have here: one per (issuer, `sub`), so two
    registrations of one platform (two client ids) share their people."""

    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255)
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="users", help_text="First seen through."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField()
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="uniq_lti_user"),
        ]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.issuer} → {self.user}"


class LtiContext(models.Model):
    """An LMS course (LTI context) and the course it is here; where its roster is read."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="lti_context")
    deployment = models.ForeignKey(
        Deployment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    memberships_url = models.URLField(
        max_length=500, blank=True, help_text="Names and Role Provisioning Services endpoint."
    )
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    roster_error = models.TextField(blank=True)
    roster_error_at = models.DateTimeField(null=True, blank=True)
    roster_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="uniq_lti_context"),
        ]

    def __str__(self) -> str:
        return f"{self.course} [{self.context_id}]"


class ResourceLink(models.Model):
    """A placement of the tool in an LMS course, bound to a bank (and maybe some topics), and
    the gradebook column (line item) its scores go to."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    context = models.ForeignKey(
        LtiContext, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    deployment = models.ForeignKey(
        Deployment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=255, blank=True)
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, null=True, blank=True, related_name="lti_links"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="lti_links")
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["platform", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="uniq_lti_resource_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


class ScoreSync(models.Model):
    """The score owed to one learner's gradebook cell of one link, and how sending it went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Up to date"
        FAILED = "failed", "Failed (will be retried)"

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="scores")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_scores"
    )
    lti_user_id = models.CharField(max_length=255, help_text="The learner's `sub`.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    pending_since = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="The last score sent (0–1).")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failures since the last send.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["link", "learner"]
        constraints = [
            models.UniqueConstraint(fields=["link", "learner"], name="uniq_lti_score_sync"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="lti_score_pending",
                condition=Q(pending_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.link} · {self.status}"


class LaunchHandoff(models.Model):
    """A one-time link that carries a validated launch into a new window, for browsers that
    refuse cookies inside the LMS's frame. Only a digest of the token is stored."""

    token_digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    next_url = models.CharField(max_length=500)
    session = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"handoff for {self.user} ({'used' if self.used_at else 'open'})"

"""Organisers manage statements, evidence, disputes and stand-downs here. Saves go through `services.py`:
a published statement version is read-only (adding a version makes the next number), evidence records who
entered it and when, and answering a dispute records the response."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models

from swingfund.accounts.admin_scope import OrganiserScopedAdmin

from . import services
from .models import (
    Dispute,
    Division,
    DivisionMapping,
    Evidence,
    Score,
    StandDown,
    Statement,
    StatementVersion,
)

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class VersionInline(admin.TabularInline):
    model = StatementVersion
    fields = ("number", "title", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(OrganiserScopedAdmin, admin.ModelAdmin):
    organisation_path = "organisation"
    list_display = ("slug", "organisation", "position")
    list_filter = ("organisation",)
    inlines = [VersionInline]


class StatementVersionForm(forms.ModelForm):
    publish = forms.BooleanField(required=False, initial=True, help_text="Publish now (then it can no longer change).")

    class Meta:
        model = StatementVersion
        fields = ("statement", "title", "text", "agreement")


@admin.register(StatementVersion)
class StatementVersionAdmin(OrganiserScopedAdmin, admin.ModelAdmin):
    """Adding a version of a statement = editing it: the service freezes published versions."""

    organisation_path = "statement__organisation"

    def _still_editable(self, request, obj) -> bool:
        return obj is None or obj.published_at is None

    form = StatementVersionForm
    list_display = ("title", "statement", "number", "published_at")
    list_filter = ("statement__organisation",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return ("statement", "number", "title", "text", "agreement", "published_at")
        return ()

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.published_at is None)

    def save_model(self, request, obj, form, change):
        version = services.statement_edit(
            statement=form.cleaned_data["statement"] if not change else obj.statement,
            title=obj.title,
            text=obj.text,
            agreement=obj.agreement,
            publish=form.cleaned_data.get("publish", False),
        )
        obj.pk, obj.number, obj.published_at, obj.created_at = (
            version.pk,
            version.number,
            version.published_at,
            version.created_at,
        )


class DisputeInline(admin.StackedInline):
    model = Dispute
    fields = ("candidate_text", "status", "organiser_response", "opened_at", "responded_at", "responded_by")
    readonly_fields = ("status", "organiser_response", "opened_at", "responded_at", "responded_by")
    extra = 0


@admin.register(Evidence)
class EvidenceAdmin(OrganiserScopedAdmin, admin.ModelAdmin):
    organisation_path = "statement_version__statement__organisation"
    formfield_overrides = HTTPS_URLS
    list_display = ("person", "statement_version", "kind", "stance", "date", "public", "recorded_at")
    list_filter = ("kind", "stance", "public", "statement_version__statement__organisation")
    search_fields = ("person__name", "source_url", "summary")
    raw_id_fields = ("person", "candidacy", "division")
    readonly_fields = ("recorded_by", "recorded_via", "recorded_at")
    fields = (
        "statement_version",
        "person",
        "candidacy",
        "kind",
        "stance",
        "division",
        "vote",
        "date",
        "source_url",
        "public",
        "summary",
        "note",
        "recorded_by",
        "recorded_via",
        "recorded_at",
    )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """The candidate's own answer comes only through their survey link: not a kind to enter by hand."""
        if db_field.name == "kind":
            kwargs["choices"] = [(k, label) for k, label in db_field.choices if k != "own_answer"]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        """The candidate's own answer is shown, never edited (services.ERROR_OWN_ANSWER)."""
        if obj is not None and obj.kind == "own_answer":
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and obj.kind != "division":
            saved = services.evidence_correct(evidence=obj, recorded_by=request.user)
        else:
            common = {
                "statement_version": obj.statement_version,
                "person": obj.person,
                "candidacy": obj.candidacy,
                "source_url": obj.source_url,
                "note": obj.note,
                "recorded_by": request.user,
            }
            if obj.kind == "division":
                saved = services.evidence_record_vote(division=obj.division, vote=obj.vote, **common)
            else:
                saved = services.evidence_record(
                    kind=obj.kind, stance=obj.stance, date=obj.date, public=obj.public, summary=obj.summary, **common
                )
        obj.pk, obj.recorded_at = saved.pk, saved.recorded_at
        services.scores_recompute(organisation=obj.statement_version.statement.organisation, persons=[obj.person_id])


@admin.register(Dispute)
class DisputeAdmin(OrganiserScopedAdmin, admin.ModelAdmin):
    organisation_path = "evidence__statement_version__statement__organisation"
    list_display = ("evidence", "status", "opened_at", "responded_at")
    list_filter = ("status",)
    fields = ("evidence", "candidate_text", "status", "organiser_response", "opened_at", "responded_at", "responded_by")
    readonly_fields = ("opened_at", "responded_at", "responded_by")
    raw_id_fields = ("evidence",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Dispute.Status.OPEN:
            return self.fields
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            saved = services.dispute_open(evidence=obj.evidence, candidate_text=obj.candidate_text)
            obj.pk, obj.opened_at, obj.status = saved.pk, saved.opened_at, saved.status
            if form.cleaned_data.get("status") not in (None, Dispute.Status.OPEN):
                services.dispute_respond(
                    dispute=saved,
                    status=form.cleaned_data["status"],
                    response=obj.organiser_response,
                    responded_by=request.user,
                )
        elif "status" in form.changed_data:
            services.dispute_respond(
                dispute=obj, status=obj.status, response=obj.organiser_response, responded_by=request.user
            )


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("division_id", "date", "title")
    search_fields = ("division_id", "title")


@admin.register(DivisionMapping)
class DivisionMappingAdmin(admin.ModelAdmin):
    list_display = ("division", "statement_version", "agree_when", "important")
    raw_id_fields = ("division",)


@admin.register(StandDown)
class StandDownAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("candidacy", "announced", "source_url")
    raw_id_fields = ("candidacy",)
    readonly_fields = ("recorded_at",)

    def save_model(self, request, obj, form, change):
        saved = services.stand_down_record(
            candidacy=obj.candidacy, announced=obj.announced, source_url=obj.source_url, note=obj.note
        )
        obj.pk, obj.recorded_at = saved.pk, saved.recorded_at


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Stored scores are computed, never typed in."""

    list_display = ("person", "statement_version", "method", "stance", "vote_distance", "band", "computed_at")
    list_filter = ("method", "stance")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

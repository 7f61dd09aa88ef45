"""Organisers seat members and set the voting rule in the admin, through the same services as every other screen
(`member_add`, `member_update`, `policy_set`), so each change is on the public change log with who made it.
Proposals, votes, decisions and the audit log are read-only here: they change only through `services.py` (which
hashes, locks and audits)."""

from django.contrib import admin

from swingfund.committee import services
from swingfund.committee.models import AuditEvent, CommitteeMember, CommitteePolicy, Decision, Proposal, Vote


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "active", "joined_at")
    list_filter = ("organisation", "role", "active")
    fields = ("user", "organisation", "role", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "organisation") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # a member is stood down (active off), never erased from the record

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.member_update(member=obj, role=obj.role, active=obj.active, actor=request.user)
        else:
            saved = services.member_add(organisation=obj.organisation, user=obj.user, role=obj.role,
                                        actor=request.user)
            if not obj.active:
                saved = services.member_update(member=saved, role=obj.role, active=False, actor=request.user)
        obj.pk, obj.joined_at = saved.pk, saved.joined_at


@admin.register(CommitteePolicy)
class CommitteePolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "quorum", "approvals_required")

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.policy_set(organisation=obj.organisation, quorum=obj.quorum,
                                    approvals_required=obj.approvals_required, actor=request.user)
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "kind", "constituency", "amount_pence", "status", "created_at")
    list_filter = ("organisation", "kind", "status")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "member", "choice", "cast_at")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "outcome", "trigger", "decided_at")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "organisation", "actor", "action", "summary")
    list_filter = ("organisation", "action")

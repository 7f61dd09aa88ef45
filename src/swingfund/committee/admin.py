"""Organisers seat members and set the voting rule in the admin. Proposals, votes, decisions and the audit log
are read-only here: they change only through `services.py` (which hashes, locks and audits)."""

from django.contrib import admin

from swingfund.committee.models import AuditEvent, CommitteeMember, CommitteePolicy, Decision, Proposal, Vote


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "active", "joined_at")
    list_filter = ("organisation", "role", "active")


@admin.register(CommitteePolicy)
class CommitteePolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "quorum", "approvals_required")


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

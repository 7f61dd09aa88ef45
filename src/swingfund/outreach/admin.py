from django.contrib import admin

from swingfund.outreach.models import Delivery, Message, Segment, Supporter


@admin.register(Supporter)
class SupporterAdmin(admin.ModelAdmin):
    list_display = ("pk", "first_name", "constituency", "language", "source", "created_at", "erased_at")
    list_filter = ("language", "source")
    search_fields = ("email", "phone", "first_name")
    readonly_fields = ("token", "referral_code", "created_at", "erased_at", "email_confirmed_at", "phone_confirmed_at",
                       "phone_code_hash", "phone_code_sent_at", "phone_code_attempts", "phone_code_message_id")


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "basis", "channel", "language", "created_at")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "author", "approved_by", "send_after")
    readonly_fields = ("status", "approved_by", "approved_at", "approved_hash")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "message", "constituency", "channel", "status", "attempts", "provider_status", "sent_at")
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in Delivery._meta.fields]

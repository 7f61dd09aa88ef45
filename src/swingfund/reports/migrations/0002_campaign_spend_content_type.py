"""The spending record's content type follows it to the reports app, so its permissions and admin history stay
attached to it (nothing else in the database changes)."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="reports", model="campaignspend").exists():
        content_type.objects.using(db).filter(app_label="compliance", model="campaignspend").update(
            app_label="reports")


def backwards(apps, schema_editor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="compliance", model="campaignspend").exists():
        content_type.objects.using(db).filter(app_label="reports", model="campaignspend").update(
            app_label="compliance")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

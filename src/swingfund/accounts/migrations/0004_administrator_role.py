# The group's administrator becomes a role per organisation (set up by `swingfund setup`, granted on the roles page).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_organisation_moved'),
    ]

    operations = [
        migrations.AlterField(
            model_name='organisationrole',
            name='role',
            field=models.CharField(choices=[('treasurer', 'treasurer'), ('organiser', 'organiser'), ('administrator', 'administrator')], max_length=20),
        ),
        migrations.RemoveConstraint(
            model_name='organisationrole',
            name='organisationrole_valid',
        ),
        migrations.AddConstraint(
            model_name='organisationrole',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['treasurer', 'organiser', 'administrator'])), name='organisationrole_valid'),
        ),
    ]

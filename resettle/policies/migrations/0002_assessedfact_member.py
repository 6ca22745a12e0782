import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0001_initial"),
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessedfact",
            name="member",
            field=models.ForeignKey(blank=True, help_text="Blank: a fact about the principal.", null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="assessed_facts",
                                    to="applications.member"),
        ),
    ]

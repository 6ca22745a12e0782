"""Duplicate links get a UUID id (their explanation is sealed, bound to the row id) and an
explanation. Links are derived data that duplicates_refresh recomputes in full, so the table is
dropped and created again rather than converted."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import resettle.core.fields


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0001_initial"),
        ("verification", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="DuplicateLink"),
        migrations.CreateModel(
            name="DuplicateLink",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("probability", models.FloatField()),
                ("kind", models.CharField(default="principal", help_text="principal, or member when a family member appears in both", max_length=20)),
                ("explanation", resettle.core.fields.EncryptedTextField(blank=True, default="", help_text="JSON list of {field, level, weight, text}.")),
                ("computed_at", models.DateTimeField(auto_now_add=True)),
                ("application", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="duplicate_links", to="applications.application")),
                ("other", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="applications.application")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("application", "other", "kind"), name="duplicate_once")],
            },
        ),
    ]

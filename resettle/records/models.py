"""Employment records from defence force, police and embassy HR sources, with provenance.

Every row remembers which source, which import batch and which row of which file it came from,
so a verifier can always say "NZDF HR list of 2013, row 412" when confirming a person.
"""

import datetime as dt
import os
import socket
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from resettle.core.fields import BlindIndexField, EncryptedTextField

NAME_KEY = "resettle.names.keys.name_key"


class RecordSource(models.Model):
    name = models.SlugField(max_length=80, unique=True, help_text="e.g. nzdf-prt-bamyan")
    employer = models.CharField(max_length=40, help_text="Canonical employer, e.g. nzdf, nz_police, mfat.")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One import of one file. The file's SHA-256 makes re-importing the same file a no-op.

    An import of applications is written in short transactions, so that on SQLite (one writer at
    a time) pages get the lock between them: its batch is pending while it is written, and what
    a pending or failed batch wrote is seen by no one (resettle.accounts.access.scope_cases), so
    the import stays all or nothing to its users. A failed one has removed what it wrote; a
    pending one whose heartbeat stopped was cut short, and the next run of its file removes it."""

    KIND_RECORDS = "records"
    KIND_APPLICATIONS = "applications"
    PENDING = "pending"
    COMPLETE = "complete"
    FAILED = "failed"
    UNSETTLED = (PENDING, FAILED)
    # A pending batch written from another machine (PostgreSQL) whose heartbeat is older than
    # this was cut short; on this machine its writer's process tells (is_being_written).
    STALE_AFTER = dt.timedelta(minutes=2)
    LOCAL_STALE_AFTER = dt.timedelta(minutes=30)  # a process id reused since, at worst
    # Complete unless its writer says otherwise: an import marks its batch pending while it writes.
    state = models.CharField(max_length=10, default=COMPLETE,
                             choices=[(PENDING, "being written"), (COMPLETE, "complete"), (FAILED, "failed, removed")])
    heartbeat = models.DateTimeField(null=True, blank=True,
                                     help_text="Last moment a pending import wrote: a run that stopped is told apart "
                                               "from one still under way.")
    writer = models.CharField(max_length=200, blank=True, default="",
                              help_text="host:process id of the import writing a pending batch.")
    kind = models.CharField(max_length=20, choices=[(KIND_RECORDS, "records"), (KIND_APPLICATIONS, "applications")])
    source = models.ForeignKey(RecordSource, null=True, blank=True, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name_plural = "import batches"

    @staticmethod
    def this_writer() -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    def is_being_written(self) -> bool:
        """Pending, and its import still running: on this machine, its process is alive (a
        killed import is taken over at once); from another machine, it wrote recently."""
        if self.state != self.PENDING or self.heartbeat is None:
            return False
        silent = timezone.now() - self.heartbeat
        host, _, pid = self.writer.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return silent < self.STALE_AFTER
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, another user's
            pass
        return silent < self.LOCAL_STALE_AFTER

    @classmethod
    def abandoned(cls, kind: str, *, rows: str, keep: "ImportBatch") -> list["ImportBatch"]:
        """Batches of `kind` that did not complete, still hold rows (reverse name `rows`) and
        whose import is no longer running: what they wrote is to be removed."""
        candidates = (cls.objects.filter(kind=kind, **{f"{rows}__isnull": False})
                      .exclude(state=cls.COMPLETE).exclude(pk=keep.pk).distinct())
        return [batch for batch in candidates if not batch.is_being_written()]

    @classmethod
    def settled(cls, path: str = "batch") -> models.Q:
        """Rows whose batch (reached through `path`) is complete, or that came from no import:
        what users may see. For readers that do not go through scope_cases (aggregates)."""
        return models.Q(**{f"{path}__isnull": True}) | models.Q(**{f"{path}__state": cls.COMPLETE})

    def __str__(self) -> str:
        return f"{self.kind} batch {self.pk} ({self.file_name})"


class SettledRecords(models.Manager):
    """Records whose import completed. A records import writes its new rows in short
    transactions (resettle.records.services.import_records); until it completes they are no
    one's to read, matched against or counted, and a failure removes them."""

    def get_queryset(self):
        unsettled = ImportBatch.objects.filter(state__in=ImportBatch.UNSETTLED).values("pk")
        return super().get_queryset().exclude(batch_id__in=unsettled)


class EmploymentRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(RecordSource, on_delete=models.PROTECT, related_name="records")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    row_number = models.PositiveIntegerField(help_text="Row in the imported file (header is row 1).")
    source_record_id = models.CharField(max_length=100, help_text="The source's own id for this row.")
    full_name = EncryptedTextField(help_text="As the clerk wrote it.")
    father_name = EncryptedTextField()
    grandfather_name = EncryptedTextField()
    birth_year = EncryptedTextField(help_text="As recorded: Gregorian or Solar Hijri year.")
    employer = models.CharField(max_length=40)
    role = models.CharField(max_length=40, help_text="Canonical role.")
    unit = models.CharField(max_length=40, help_text="Canonical unit.")
    location = models.CharField(max_length=40, help_text="Canonical location.")
    raw_role = models.CharField(max_length=200, blank=True)
    raw_unit = models.CharField(max_length=200, blank=True)
    raw_location = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, help_text="HMAC (index key) of the normalised row: detects "
                                                              "changed re-imports; unkeyed, it would let guesses be tested.")
    full_name_index = BlindIndexField(source="full_name", purpose="record.name", normaliser=NAME_KEY)
    father_name_index = BlindIndexField(source="father_name", purpose="record.father", normaliser=NAME_KEY)
    # Derived: records the matcher takes to be one person (rotations, re-hires, two sources) share
    # the id of the group's first record, so simulations count people, not rows. Recomputed in the
    # background after every records import (resettle.verification.services.records_group_refresh).
    person_group = models.CharField(max_length=40, blank=True, default="", db_index=True, editable=False)

    objects = SettledRecords()  # the default: every reader sees complete imports only
    all_objects = models.Manager()  # the import's own view, pending rows included

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_record_id"], name="record_unique_per_source"),
        ]
        indexes = [models.Index(fields=["employer", "unit", "role"])]

    def __str__(self) -> str:
        return f"{self.source} record {self.source_record_id}"

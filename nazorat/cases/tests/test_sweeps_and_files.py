"""Reminders and escalations are sent once per deadline; attachments are checked by content."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nazorat.cases import services
from nazorat.cases.models import WorkItem
from nazorat.cases.sweeps import sweep_deadlines
from nazorat.core.models import Event
from nazorat.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00" * 64


@pytest.fixture
def assigned(world):
    now = timezone.now()
    case = services.case_open(kind="letter", actor=world.controller, owner=world.region, title="Hisobot",
                              due_at=now + timedelta(hours=30))
    services.assignment_create(case=case, actor=world.controller, organisation=world.district_a,
                               due_at=now + timedelta(hours=20))
    return case


def test_reminder_before_the_deadline_is_sent_once(world, assigned):
    now = timezone.now()
    result = sweep_deadlines(now + timedelta(hours=1))  # 19h left: inside the 24h window
    assert result.reminders > 0
    keys = set(Notification.objects.values_list("key", flat=True))
    assert any(k.startswith("reminder:") and str(world.a_executor.pk) in k for k in keys)
    again = sweep_deadlines(now + timedelta(hours=2))
    assert again.reminders == 0
    assert set(Notification.objects.values_list("key", flat=True)) == keys


def test_overdue_escalates_to_the_head_once_and_is_recorded(world, assigned):
    later = timezone.now() + timedelta(hours=21)
    result = sweep_deadlines(later)
    assert result.escalations > 0
    recipients = set(Notification.objects.filter(key__startswith="overdue:").values_list("recipient__username", flat=True))
    assert {"a_exec", "a_head"} <= recipients
    assert Event.objects.filter(action="workitem.overdue", case_id=assigned.pk).count() == 1
    sweep_deadlines(later + timedelta(minutes=5))
    assert Event.objects.filter(action="workitem.overdue", case_id=assigned.pk).count() == 1


def test_an_extension_rearms_the_reminders(world, assigned):
    now = timezone.now()
    sweep_deadlines(now + timedelta(hours=1))
    a = assigned.assignments.get()
    req = services.extension_request(case=assigned, actor=world.a_executor, requested_due_at=a.due_at + timedelta(hours=5),
                                     reasons="Qoʻshimcha maʼlumot kutilmoqda")
    services.extension_decide(request=req, actor=world.controller, grant=True)
    item = WorkItem.objects.get(key=f"assignment:{a.pk}:execute")
    assert item.reminded_at is None and item.due_at == req.requested_due_at
    assert sweep_deadlines(now + timedelta(hours=6)).reminders > 0


def test_emails_are_delivered_by_the_worker(world, assigned, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(timezone.now() + timedelta(hours=1))
    sent = Notification.objects.get(channel="email", recipient=world.a_executor, key__startswith="reminder:")
    assert sent.state == "sent" and sent.sent_at is not None
    assert [m.to for m in mailoutbox] == [["a_exec@example.uz"]]
    assert assigned.number in mailoutbox[0].subject


def test_pdf_attachment_is_stored_with_its_hash(world, assigned):
    upload = SimpleUploadedFile("javob.pdf", PDF, content_type="application/pdf")
    att = services.attachment_add(actor=world.a_executor, upload=upload, case=assigned,
                                  allowed_types=["application/pdf"])
    assert att.content_type == "application/pdf"
    assert len(att.sha256) == 64 and att.size == len(PDF)
    assert att.file.read() == PDF


def test_a_renamed_image_is_not_a_pdf(world, assigned):
    upload = SimpleUploadedFile("javob.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        services.attachment_add(actor=world.a_executor, upload=upload, case=assigned, allowed_types=["application/pdf"])
    assert "javob.pdf" in str(err.value) and "PDF" in str(err.value)
    assert not assigned.attachments.exists()


def test_empty_and_oversized_files_are_refused(world, assigned, settings):
    with pytest.raises(ValidationError):
        services.attachment_add(actor=world.a_executor, upload=SimpleUploadedFile("a.pdf", b""), case=assigned)
    settings.NAZORAT_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as err:
        services.attachment_add(actor=world.a_executor, upload=SimpleUploadedFile("b.pdf", PDF), case=assigned)
    assert "b.pdf" in str(err.value)

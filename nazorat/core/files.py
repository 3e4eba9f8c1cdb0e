"""Upload validation shared by every module: type from the content (magic numbers), size limit,
SHA-256. A file whose content does not match an allowed type is refused with a clear message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Types a citizen or an office may attach by default.
DEFAULT_ALLOWED = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


@dataclass(frozen=True)
class UploadInfo:
    name: str
    content_type: str
    size: int
    sha256: str


def inspect_upload(upload, *, allowed_types: Iterable[str] | None = None, max_bytes: int | None = None) -> UploadInfo:
    allowed = tuple(allowed_types or DEFAULT_ALLOWED)
    max_bytes = max_bytes or settings.NAZORAT_ATTACHMENT_MAX_BYTES
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name})
    if size > max_bytes:
        raise ValidationError(_("The file %(name)s is too large (%(size)s); the limit is %(limit)s.") % {
            "name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)})
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else "application/octet-stream"
    if content_type not in allowed:
        accepted = ", ".join(dict.fromkeys(LABELS.get(t, t) for t in allowed))
        raise ValidationError(_("The file %(name)s is not an accepted type. Accepted: %(types)s.") % {
            "name": name, "types": accepted})
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return UploadInfo(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())

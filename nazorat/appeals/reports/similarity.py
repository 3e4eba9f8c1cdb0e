"""Template letters (R-B13): answers whose text is near-identical to the answer to another appeal.

The text of an answer is the text layer of its PDF letter (the one file ``appeal_answer`` stores on the review
round): the kernel's ``ReviewRound.submission`` of an appeal answer is a sentence the system writes itself
("Answer letter No. … signed by …"), identical in shape for every answer, so it says nothing about the letter.
A PDF without a text layer (a scan) is counted as "without text" and not compared.

Normalisation: ``nazorat.core.text.fold`` (both scripts, any case, no punctuation), then every token holding a
digit (numbers, dates, amounts), the names of the month, and the names of the author, the signer and the
executor of that appeal are dropped. Each text becomes the set of its word 3-shingles; two answers are
near-identical when the Jaccard similarity of their sets is at least ``THRESHOLD`` (0.8). Answers to the same
appeal (a resubmission after a return) are never compared with each other.

Candidates are found by prefix filtering (exact for Jaccard): shingles are ordered by rarity, and two sets
with J ≥ t share at least one shingle among the first ``|A| − ⌈t·|A|⌉ + 1`` of each; only those pairs are
verified. For a month's answers this is close to linear.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache

from nazorat.core.text import fold

THRESHOLD = 0.8
SHINGLE = 3
MIN_SHINGLES = 3  # a text of fewer than 5 words is too short to call a template

MONTHS = set(fold(
    "yanvar fevral mart aprel may iyun iyul avgust sentabr oktabr noyabr dekabr "
    "январь января февраль февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "january february march april june july august september october november december"
).split())


def normalise(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The words of ``text`` that matter for comparison (see the module docstring)."""
    drop = set(MONTHS)
    for name in names:
        drop.update(fold(name or "").split())
    return [w for w in fold(text or "").split() if w not in drop and not any(ch.isdigit() for ch in w)]


def shingles(words: list[str], k: int = SHINGLE) -> set[str]:
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def near_identical_pairs(docs: dict, groups: dict | None = None, threshold: float = THRESHOLD
                         ) -> list[tuple[object, object, float]]:
    """Pairs (key, key, similarity) of ``docs`` (key → set of shingles) with Jaccard ≥ ``threshold``;
    keys in the same ``groups`` value are never paired."""
    groups = groups or {}
    df = Counter(s for sh in docs.values() for s in sh)
    index: dict[str, list] = defaultdict(list)
    pairs = []
    # Larger sets later: each pair is verified once, when its second member is indexed.
    for key in sorted(docs, key=lambda k: (len(docs[k]), str(k))):
        sh = docs[key]
        if len(sh) < MIN_SHINGLES:
            continue
        ordered = sorted(sh, key=lambda s: (df[s], s))
        prefix = ordered[:len(sh) - math.ceil(threshold * len(sh)) + 1]
        seen = set()
        for s in prefix:
            for other in index[s]:
                if other in seen:
                    continue
                seen.add(other)
                if other in groups and key in groups and groups[other] == groups[key]:
                    continue
                if len(docs[other]) < threshold * len(sh):  # Jaccard ≤ |small| / |large|
                    continue
                sim = jaccard(sh, docs[other])
                if sim >= threshold:
                    pairs.append((other, key, sim))
        for s in prefix:
            index[s].append(key)
    return pairs


def pdf_text(attachment) -> str:
    """The text layer of a stored PDF (poppler's ``pdftotext``), cached by the file's SHA-256."""
    key = f"appeals:pdftext:{attachment.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    exe = shutil.which("pdftotext")
    if not exe:
        return ""
    try:
        with attachment.file.open("rb") as fh:
            data = fh.read()
        out = subprocess.run([exe, "-q", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                             timeout=30, check=False).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError, ValueError):
        return ""
    cache.set(key, out, 24 * 3600)
    return out


def answer_text(review_round) -> str:
    atts = [a for a in review_round.attachments.all() if a.content_type == "application/pdf"]
    return "\n".join(pdf_text(a) for a in atts).strip()


@dataclass
class Found:
    matches: dict = field(default_factory=dict)  # round pk → [(case number, similarity)]
    compared: int = 0
    without_text: int = 0


def template_letters(rounds, text_of=answer_text) -> Found:
    """Among the answers (review rounds of appeals' lead executors), those near-identical to an answer to
    another appeal."""
    docs, groups, numbers = {}, {}, {}
    found = Found()
    for rnd in rounds:
        text = text_of(rnd)
        if not text:
            found.without_text += 1
            continue
        appeal = rnd.case.appeal
        names = (appeal.last_name, appeal.first_name, appeal.patronymic, appeal.organisation_name,
                 appeal.signer_name, appeal.executor_name)
        docs[rnd.pk] = shingles(normalise(text, names))
        groups[rnd.pk] = rnd.case_id
        numbers[rnd.pk] = rnd.case.number
    found.compared = len(docs)
    for a, b, sim in near_identical_pairs(docs, groups):
        found.matches.setdefault(a, []).append((numbers[b], sim))
        found.matches.setdefault(b, []).append((numbers[a], sim))
    for v in found.matches.values():
        v.sort()
    return found

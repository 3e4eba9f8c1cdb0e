"""Public control (R-A11): published documents with their tasks' execution status for everyone, comments with an
opinion from signed-in users, shown only after the controlling body's staff publish them."""

from datetime import date

import pytest
from django.conf import settings
import time_machine
from django.urls import reverse

from nazorat.cases.models import Assignment, ReviewRound
from nazorat.execution import services
from nazorat.execution.models import PublicComment

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

LIST = reverse("execution:public_documents")
QUEUE = reverse("execution:moderation")


def page(document):
    return reverse("execution:public_document", args=[document.pk])


@pytest.fixture
def docs(world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        public = world.document(number="PQ-100", public=True)
        world.task(public, item="1", due_on=date(2026, 6, 30))
        other = world.document(number="PQ-300", public=True, title_uz="Ichimlik suvi taʼminoti toʻgʻrisida")
        hidden = world.document(number="PQ-200", public=False, title_uz="Maxfiy ichki yoʻriqnoma")
    return public, other, hidden


def comment(client, document, user, text="Suv taʼminoti yaxshilandi, rahmat.", opinion="support"):
    client.force_login(user)
    return client.post(page(document), {"opinion": opinion, "text": text})


def test_anonymous_sees_only_published_documents_and_searches_in_either_script(client, docs):
    public, other, hidden = docs
    html = client.get(LIST).content.decode()
    assert "PQ-100" in html and "PQ-300" in html
    assert "PQ-200" not in html and "Maxfiy" not in html

    cyrillic = client.get(LIST, {"q": "ижро интизоми"}).content.decode()
    assert "PQ-100" in cyrillic and "PQ-300" not in cyrillic
    latin = client.get(LIST, {"q": "ichimlik suvi"}).content.decode()
    assert "PQ-300" in latin and "PQ-100" not in latin


def test_unpublished_document_is_404_publicly(client, world, docs):
    _public, _other, hidden = docs
    assert client.get(page(hidden)).status_code == 404
    client.force_login(world.moj_ctl)  # even its controller: the public page shows published documents only
    assert client.get(page(hidden)).status_code == 404
    client.force_login(world.citizen)
    assert client.post(page(hidden), {"opinion": "support", "text": "Yaxshi hujjat"}).status_code == 404
    assert not PublicComment.objects.exists()


def test_public_page_shows_execution_status_without_internal_names_or_objections(client, world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        doc = world.document(public=True)
        task = world.task(doc, due_on=date(2026, 6, 30))
        services.task_put_on_control(task=task, actor=world.moj_ctl,
                                     executors=[{"organisation": world.region.pk, "role": "lead"}])
        lead = Assignment.objects.get(case=task.case, parent=None)
        services.assignment_register(assignment=lead, actor=world.cg)
        services.assignment_name_executor(assignment=lead, actor=world.cg, person=world.region_exec)
        report = services.report_write(assignment=lead, actor=world.region_exec, text="Viloyat boʻyicha bajarildi.",
                                       uploads=[pdf()])
        services.report_confirm(report=report, actor=world.governor)
        rnd = ReviewRound.objects.get(assignment=lead, verdict="pending")
        services.task_review(review_round=rnd, actor=world.moj_ctl, accept=False,
                             reasons="Hujjatlar toʻliq emas, qayta ishlang")

    response = client.get(page(doc))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Returned with objections" in html
    assert world.region.name in html  # the lead executing body
    assert "30.06.2026" in html
    assert "Hujjatlar toʻliq emas" not in html  # the reviewers' objections stay internal
    assert "Viloyat boʻyicha bajarildi" not in html  # so does the report
    for person in (world.region_exec, world.cg, world.governor, world.moj_ctl):
        assert person.last_name not in html
    assert "Sign in to comment" in html


def test_comment_is_pending_until_moderated_then_shown_and_counted(client, world, docs):
    public, _other, _hidden = docs
    response = comment(client, public, world.citizen)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Your comment will be shown after moderation" in follow
    assert "You have 1 comment awaiting moderation" in follow
    c = PublicComment.objects.get()
    assert c.state == "pending" and c.author == world.citizen

    client.logout()
    assert "Suv taʼminoti yaxshilandi" not in client.get(page(public)).content.decode()
    listed = client.get(LIST).context["page"].object_list
    row = next(d for d in listed if d.pk == public.pk)
    assert (row.comment_count, row.support_count) == (0, 0)

    client.force_login(world.moj_ctl)
    queue = client.get(QUEUE)
    assert queue.status_code == 200 and "Suv taʼminoti yaxshilandi" in queue.content.decode()
    response = client.post(reverse("execution:moderate", args=[c.pk]), {"decision": "publish"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "published" and c.moderated_by == world.moj_ctl

    client.logout()  # the test client forgets its cookies, the English language one too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Suv taʼminoti yaxshilandi" in client.get(page(public)).content.decode()
    listed = client.get(LIST).context["page"].object_list
    row = next(d for d in listed if d.pk == public.pk)
    assert (row.comment_count, row.support_count, row.against_count) == (1, 1, 0)
    client.force_login(world.moj_ctl)
    assert "No comments await moderation" in client.get(QUEUE).content.decode()


def test_rejected_comment_never_shows(client, world, docs):
    public, _other, _hidden = docs
    comment(client, public, world.citizen, text="Haqoratli gaplar bilan izoh", opinion="against")
    c = PublicComment.objects.get()
    client.force_login(world.moj_ctl)
    response = client.post(reverse("execution:moderate", args=[c.pk]), {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for rejecting the comment" in response.content.decode()
    c.refresh_from_db()
    assert c.state == "pending"

    response = client.post(reverse("execution:moderate", args=[c.pk]),
                           {"decision": "reject", "reason": "Haqoratli soʻzlar"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "rejected" and c.moderation_reason == "Haqoratli soʻzlar"
    again = client.post(reverse("execution:moderate", args=[c.pk]), {"decision": "publish"})
    assert again.status_code == 409
    c.refresh_from_db()
    assert c.state == "rejected"

    client.logout()
    assert "Haqoratli" not in client.get(page(public)).content.decode()
    row = next(d for d in client.get(LIST).context["page"].object_list if d.pk == public.pk)
    assert (row.comment_count, row.against_count) == (0, 0)


def test_empty_comment_is_400_and_stores_nothing(client, world, docs):
    public, _other, _hidden = docs
    response = comment(client, public, world.citizen, text="   ")
    assert response.status_code == 400
    assert "Write your comment" in response.content.decode()
    response = comment(client, public, world.citizen, text="Yaxshi", opinion="")
    assert response.status_code == 400
    assert "Choose your opinion" in response.content.decode()
    assert not PublicComment.objects.exists()


def test_anonymous_cannot_comment(client, docs):
    public, _other, _hidden = docs
    html = client.get(page(public)).content.decode()
    assert "Sign in to comment" in html and 'data-testid="comment-form"' not in html
    assert client.post(page(public), {"opinion": "support", "text": "Yaxshi hujjat"}).status_code == 403
    assert not PublicComment.objects.exists()


def test_non_staff_cannot_moderate(client, world, docs):
    public, _other, _hidden = docs
    comment(client, public, world.citizen)
    c = PublicComment.objects.get()
    moderate = reverse("execution:moderate", args=[c.pk])
    for user in (world.citizen, world.d_exec):  # a citizen; staff of a body without the control role
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.post(moderate, {"decision": "publish"}).status_code == 403
    # A controller of another body moderates its own documents only.
    client.force_login(world.cabinet_ctl)
    assert "Suv taʼminoti" not in client.get(QUEUE).content.decode()
    assert client.post(moderate, {"decision": "publish"}).status_code == 403
    client.logout()
    assert client.get(QUEUE).status_code == 302  # to the login page
    c.refresh_from_db()
    assert c.state == "pending"


def test_public_list_has_no_query_per_row(client, world, django_assert_max_num_queries):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        for n in range(12):
            doc = world.document(number=f"PQ-{500 + n}", public=True)
            world.task(doc, due_on=date(2026, 6, 30))
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200 and response.context["page"].paginator.count == 12

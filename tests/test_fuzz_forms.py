"""Property tests of forms that take free text and files, posted as the role that uses them.

Whatever is typed or attached, the answer is the form again with a message (nothing written) or a
redirect (everything written), never a server error; and what was stored comes back escaped on the
pages of the other people who read it — the curator, the director, the mentee, the methodist, the
anonymous visitor of the public page. The broad check over every page of every role is
tests/test_hostile_pages.py; the browser proof that nothing runs is tests/e2e/test_csp_crawl.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import event, given, settings
from hypothesis import strategies as st

from monitoring.models import Campaign, SubmissionStatus
from programs.models import ExternalAct, JournalEntry, SchoolNews
from tests.hostile import MARKUP, hostile_text, snapshot
from tests.test_pairs_views import make_pair, mentee_user_participant, mentor_user_participant

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# Each example is a few requests: fewer of them than the import tests take.
FORM_EXAMPLES = settings(max_examples=20)

hostile_files = st.lists(
    st.builds(
        SimpleUploadedFile,
        st.sampled_from(
            [
                "скан.pdf",
                "a.png",
                "x.html",
                "x.svg",
                "../../etc/passwd",
                "a.pdf.exe",
                "<img>.pdf",
                "a" * 300 + ".pdf",
            ]
        ),
        st.one_of(st.binary(max_size=512), st.sampled_from([PDF, PNG, b"<script>1</script>", b""])),
    ),
    max_size=3,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def assert_escaped(html: str, *texts: str) -> None:
    """No stored markup comes back as markup: a payload is never in the page as it was typed."""
    for text in texts:
        for markup in MARKUP:
            assert markup not in html
        stripped = (text or "").strip()
        if re.search(r"<[a-zA-Z/!]", stripped) and len(stripped) >= 6:
            assert stripped not in html, stripped


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def pair(world):
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


@FORM_EXAMPLES
@given(topic=hostile_text, content=hostile_text, result=hostile_text, files=hostile_files)
def test_a_journal_entry_with_hostile_text_and_files(client, world, pair, topic, content, result, files):
    client.force_login(world.user("a", "mentor"))
    before, files_before = snapshot(), stored_files()
    data = {
        "date": timezone.localdate().isoformat(),
        "topic": topic,
        "content": content,
        "result": result,
        "assignment": result,
        "files": files,
    }

    response = client.post(reverse("programs:journal-create", kwargs={"pk": pair.pk}), data)

    assert response.status_code in (200, 302)
    event("refused" if response.status_code == 200 else "saved")
    if response.status_code == 200:
        assert snapshot() == before
        assert stored_files() == files_before
        return
    journal = reverse("programs:journal", kwargs={"pk": pair.pk})
    for role in ("curator", "director", "mentee", "mentor"):
        assert_escaped(page(client, world.user("a", role), journal), topic, content, result)


@FORM_EXAMPLES
@given(title=hostile_text, number=hostile_text, note=hostile_text, scan=st.one_of(st.none(), hostile_files))
def test_an_external_act_with_hostile_text_and_a_scan(client, world, title, number, note, scan):
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    data = {
        "requirement": "regulation",
        "title": title,
        "number": number,
        "adopted_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "note": note,
    }
    if scan:
        data["scan"] = scan[0]

    response = client.post(reverse("programs:act-external-create"), data)

    assert response.status_code in (200, 302)
    event("refused" if response.status_code == 200 else "saved")
    if response.status_code == 200:
        assert snapshot() == before
        assert stored_files() == files_before
        return
    with scopes_disabled():
        assert ExternalAct.objects.filter(school=world.a.school).exists()
    register = reverse("programs:act-register")
    for role in ("director", "curator"):
        assert_escaped(page(client, world.user("a", role), register), title, number, note)


@FORM_EXAMPLES
@given(title=hostile_text, body=hostile_text)
def test_news_with_hostile_text_on_the_public_page(client, world, title, body):
    client.force_login(world.user("a", "curator"))
    before = snapshot()
    data = {
        "title": title,
        "published_on": timezone.localdate().isoformat(),
        "body": body,
        "is_published": "on",
    }

    response = client.post(reverse("programs:news-list"), data)

    assert response.status_code in (200, 302)
    event("refused" if response.status_code == 200 else "saved")
    if response.status_code == 200:
        assert snapshot() == before
        return
    with scopes_disabled():
        news = SchoolNews.objects.filter(school=world.a.school).latest("pk")
    client.logout()
    code = world.a.school.code
    for url in (
        reverse("public:school", kwargs={"code": code}),
        reverse("public:news", kwargs={"code": code, "pk": news.pk}),
    ):
        response = client.get(url)
        if response.status_code == 404:  # the school's page is switched off
            continue
        assert response.status_code == 200
        assert_escaped(response.content.decode(), title, body)


def test_journal_entries_are_counted_by_the_snapshot(world, pair):
    """The snapshot sees the tables these tests write, so «nothing written» means something."""
    before = snapshot()
    with scopes_disabled():
        JournalEntry.objects.create(
            school_id=pair.school_id,
            pair=pair,
            author=world.a.users["mentor"],
            date=timezone.localdate(),
            topic="т",
        )
    assert snapshot() != before


SWOT = ("strengths", "weaknesses", "opportunities", "threats", "not_completed_reasons", "decisions")


@FORM_EXAMPLES
@given(texts=st.tuples(*[hostile_text] * len(SWOT)), action=st.sampled_from(["save", "submit"]))
def test_a_monitoring_submission_with_hostile_swot_texts(client, world, texts, action):
    """The curator's SWOT analysis is read by the director and, once handed in, by the methodist."""
    from tests.test_campaigns import open_campaign, submission_of

    with scopes_disabled():
        campaign = Campaign.objects.filter(municipality=world.a.school.municipality).first()
    submission = submission_of(campaign or open_campaign(world), world.a)
    url = reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})
    client.force_login(world.user("a", "curator"))

    response = client.post(url, {"level": "", **dict(zip(SWOT, texts, strict=True)), "action": action})

    assert response.status_code in (200, 302)
    assert_escaped(response.content.decode(), *texts)
    with scopes_disabled():
        submission.refresh_from_db()
    readers = ["director", "curator"]
    if submission.status != SubmissionStatus.DRAFT:
        readers.append("municipal_methodist")
    for role in readers:
        assert_escaped(page(client, world.user("a", role), url), *texts)

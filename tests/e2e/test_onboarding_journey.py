import re

from playwright.sync_api import expect

from accounts.models import User
from interviews.notifications.outbox import outbox_dispatch


def test_a_new_member_signs_up_verifies_and_onboards(page, live_server, mailoutbox):
    page.goto("/")
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password").fill("a-Long-passphrase-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    outbox_dispatch()  # the e-mail waits in the outbox; no worker runs in this test
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Welcome! Let's set up your profile")).to_be_visible()
    # The zone starts at the browser's own (headless Chromium reports UTC here).
    expect(page.get_by_label("Time zone")).to_have_value(re.compile(r".+/.+|UTC"))
    page.get_by_label("Display name").fill("Nina Newcomer")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("Current level").select_option("L4")
    page.get_by_label("Target level").select_option("L5")
    page.get_by_label("Target company type").select_option("startup")

    # Opting in reveals the interviewer fields; leaving them empty gives inline errors.
    expect(page.get_by_label("Level you hold or held")).to_be_hidden()
    page.get_by_label("I want to interview others").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Say which level you hold or held to interview others.")).to_be_visible()

    page.get_by_label("Level you hold or held").select_option("L4")
    page.get_by_label("Company experience").select_option("both")
    page.get_by_label("Sessions per week").fill("2")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Hello, Nina Newcomer")).to_be_visible()
    expect(page.get_by_text("times shown in Europe/Paris")).to_be_visible()
    user = User.objects.get(email="nina@example.com")
    assert user.is_onboarded and user.is_interviewer and user.sessions_per_week == 2

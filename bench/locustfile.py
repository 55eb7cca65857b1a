"""A day on PeerLoop for Locust (issue #18), driven by bench/load.py (which signs the members in and
names them in PEERLOOP_PERSONAS).

The mix, by share of simulated users: candidates browsing for a slot (find-a-slot a week at a time,
the review step, an interviewer's profile, their dashboard and sessions) 4; candidates reading their
feedback (the page, the API's evaluations and placement, a session page) 2; interviewers working
through their rubric to-do (dashboard, the session, the rubric form, a draft saved through the API)
2; candidates booking a slot through the API and cancelling it (a day ahead at least: refunded) 1;
API clients (slots, sessions, profile, credits) 1; and one staff member on the calibration pages
and their dashboard. Each simulated user waits 1 to 3 seconds between requests, as a person does.
"""

import json
import os
import random
import re
from datetime import UTC, date, datetime, timedelta

from locust import HttpUser, between, task

PERSONAS = json.loads(open(os.environ["PEERLOOP_PERSONAS"]).read())  # noqa: SIM115
SLOT_LINK = re.compile(r'href="/sessions/book/(\d+)/')


class Member(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        self.me = random.choice(PERSONAS[self.role])
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.cookies.set("csrftoken", self.me["csrf"])

    def post_json(self, path, body, name):
        return self.client.post(
            path, json=body, name=name, headers={"X-CSRFToken": self.me["csrf"], "Referer": self.host}
        )


class Browsing(Member):
    weight = 8
    role = "candidates"

    @task(4)
    def find_a_slot(self):
        start = date.today() + timedelta(days=7 * random.choice((0, 0, 1, 2)))  # mostly this week
        page = self.client.get(f"/sessions/find/?start={start}", name="/sessions/find/")
        links = SLOT_LINK.findall(page.text)
        if links and random.random() < 0.5:
            self.client.get(f"/sessions/book/{random.choice(links)}/", name="/sessions/book/[slot]/")

    @task(1)
    def interviewer_profile(self):
        self.client.get(
            f"/interviewers/{random.choice(PERSONAS['interviewer_ids'])}/", name="/interviewers/[id]/"
        )

    @task(2)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")

    @task(2)
    def my_sessions(self):
        self.client.get("/sessions/", name="/sessions/")

    @task(1)
    def match_requests(self):
        self.client.get("/match-requests/", name="/match-requests/")


class Feedback(Member):
    weight = 4
    role = "evaluated"

    @task(3)
    def feedback(self):
        self.client.get("/feedback/", name="/feedback/")

    @task(1)
    def evaluations_api(self):
        self.client.get("/api/v1/me/evaluations/", name="/api/v1/me/evaluations/")

    @task(1)
    def placement_api(self):
        self.client.get("/api/v1/me/placement/", name="/api/v1/me/placement/")

    @task(1)
    def a_session(self):
        self.client.get(f"/sessions/{random.choice(self.me['sessions'])}/", name="/sessions/[id]/")


class Rubrics(Member):
    weight = 4
    role = "interviewers"

    @task(1)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")

    @task(1)
    def the_session(self):
        self.client.get(f"/sessions/{random.choice(self.me['sessions'])}/", name="/sessions/[id]/")

    @task(2)
    def rubric_form(self):
        self.client.get(
            f"/sessions/{random.choice(self.me['sessions'])}/evaluation/", name="/sessions/[id]/evaluation/"
        )

    @task(2)
    def save_a_draft(self):
        session = random.choice(self.me["sessions"])
        self.client.put(
            f"/api/v1/sessions/{session}/evaluation/",
            json={"hints": random.randint(0, 3), "strengths": "Framed the objective well before the model."},
            name="/api/v1/sessions/[id]/evaluation/",
            headers={"X-CSRFToken": self.me["csrf"], "Referer": self.host},
        )


class Booking(Member):
    weight = 2
    role = "candidates"

    @task
    def book_and_cancel(self):
        response = self.client.get("/api/v1/slots/", name="/api/v1/slots/")
        if response.status_code != 200:  # counted as a failure already
            return
        slots = response.json()
        soon = datetime.now(UTC) + timedelta(days=2)  # cancelled over a day ahead: refunded in full
        later = [s for s in slots if datetime.fromisoformat(s["start"]) > soon]
        if not later:
            return
        booked = self.post_json(
            "/api/v1/sessions/", {"slot": random.choice(later)["id"]}, "/api/v1/sessions/"
        )
        if booked.status_code == 201:
            self.post_json(
                f"/api/v1/sessions/{booked.json()['id']}/cancel/",
                {"reason": "Load test: booked to cancel."},
                "/api/v1/sessions/[id]/cancel/",
            )


class Api(Member):
    weight = 2
    role = "candidates"

    @task(2)
    def slots(self):
        self.client.get("/api/v1/slots/", name="/api/v1/slots/")

    @task(2)
    def sessions(self):
        self.client.get("/api/v1/sessions/", name="/api/v1/sessions/")

    @task(1)
    def me(self):
        self.client.get("/api/v1/me/", name="/api/v1/me/")

    @task(1)
    def credits(self):
        self.client.get("/api/v1/me/credits/", name="/api/v1/me/credits/")


class Staff(Member):
    fixed_count = 1  # one staff member at any load
    role = "staff"

    @task(3)
    def calibration(self):
        page = random.choice(("", "?page=2", "?page=3"))
        self.client.get("/staff/calibration/" + page, name="/staff/calibration/")

    @task(1)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard, staff)")

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from interviews.scheduling.models import AvailabilityWindow, BlockedDate, Slot, Weekday
from interviews.scheduling.services import slots_generate
from interviews.scheduling.timeslots import slot_starts
from tests.factories import InterviewerFactory, SessionFactory


def _local_hours(starts, tz):
    return [(s.astimezone(tz).date(), s.astimezone(tz).hour) for s in starts]


@pytest.mark.parametrize(
    ("zone", "weekday", "first_day", "change_day"),
    [
        # New York leaves daylight time on Sunday 2026-11-01 and enters it on 2027-03-14.
        ("America/New_York", Weekday.MONDAY, date(2026, 10, 26), date(2026, 11, 1)),
        ("America/New_York", Weekday.MONDAY, date(2027, 3, 8), date(2027, 3, 14)),
        # Berlin: 2026-10-25 and 2027-03-28.
        ("Europe/Berlin", Weekday.MONDAY, date(2026, 10, 19), date(2026, 10, 25)),
        ("Europe/Berlin", Weekday.MONDAY, date(2027, 3, 22), date(2027, 3, 28)),
        # Sydney (southern hemisphere): daylight time ends 2027-04-04, starts 2026-10-04.
        ("Australia/Sydney", Weekday.MONDAY, date(2027, 3, 29), date(2027, 4, 4)),
        ("Australia/Sydney", Weekday.MONDAY, date(2026, 9, 28), date(2026, 10, 4)),
    ],
)
def test_a_nine_oclock_window_stays_nine_local_across_a_dst_change(zone, weekday, first_day, change_day):
    tz = ZoneInfo(zone)
    starts = slot_starts(
        windows=[(weekday, time(9), time(10))], blocked=set(), tz=tz, first_day=first_day, days=14
    )
    assert len(starts) == 2
    before, after = starts
    assert before.astimezone(tz).date() < change_day < after.astimezone(tz).date()
    assert [s.astimezone(tz).hour for s in starts] == [9, 9]
    # The same local hour is a different UTC hour on each side of the change.
    assert before.utcoffset() == after.utcoffset() == timedelta(0)
    assert before.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset()
    assert after - before != timedelta(days=7)


def test_an_hour_skipped_by_spring_forward_gets_no_slot():
    tz = ZoneInfo("America/New_York")
    # 2027-03-14 is a Sunday; 02:00-03:00 does not exist that night.
    starts = slot_starts(
        windows=[(Weekday.SUNDAY, time(1), time(4))],
        blocked=set(),
        tz=tz,
        first_day=date(2027, 3, 14),
        days=1,
    )
    assert [s.astimezone(tz).hour for s in starts] == [1, 3]
    assert all(b - a >= timedelta(hours=1) for a, b in zip(starts, starts[1:], strict=False))


def test_an_hour_repeated_by_fall_back_gets_one_slot():
    tz = ZoneInfo("America/New_York")
    starts = slot_starts(
        windows=[(Weekday.SUNDAY, time(1), time(2))],
        blocked=set(),
        tz=tz,
        first_day=date(2026, 11, 1),
        days=1,
    )
    assert starts == [datetime(2026, 11, 1, 5, 0, tzinfo=UTC)]  # 01:00 EDT, the first one


def test_blocked_dates_and_window_edges():
    tz = ZoneInfo("Europe/Berlin")
    starts = slot_starts(
        windows=[(Weekday.TUESDAY, time(18), time(20, 30))],
        blocked={date(2026, 12, 8)},
        tz=tz,
        first_day=date(2026, 11, 30),
        days=14,
    )
    # 18:00 and 19:00 fit; 20:00 would end after 20:30. The blocked Tuesday has none.
    assert _local_hours(starts, tz) == [(date(2026, 12, 1), 18), (date(2026, 12, 1), 19)]


@pytest.mark.django_db
class TestSlotsGenerate:
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin

    def _interviewer(self, **windows):
        interviewer = InterviewerFactory(time_zone="Europe/Berlin")
        AvailabilityWindow.objects.create(
            interviewer=interviewer, weekday=Weekday.MONDAY, start_time=time(9), end_time=time(12)
        )
        return interviewer

    def test_makes_four_weeks_of_slots_respecting_notice_and_is_idempotent(self):
        interviewer = self._interviewer()
        slots_generate(interviewer=interviewer, now=self.now)
        starts = list(Slot.objects.filter(interviewer=interviewer).values_list("start", flat=True))
        # Today 09:00 and 10:00 are inside the 2-hour notice; 11:00 is the first. Then 3 more Mondays x 3.
        assert starts[0] == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        assert len(starts) == 1 + 3 * 3
        slots_generate(interviewer=interviewer, now=self.now)
        assert Slot.objects.filter(interviewer=interviewer).count() == 10

    def test_removes_open_slots_no_longer_covered_but_never_a_booked_one(self):
        interviewer = self._interviewer()
        slots_generate(interviewer=interviewer, now=self.now)
        booked_slot = Slot.objects.filter(interviewer=interviewer).order_by("start")[3]
        SessionFactory(slot=booked_slot)
        interviewer.windows.all().delete()
        slots_generate(interviewer=interviewer, now=self.now)
        assert list(Slot.objects.filter(interviewer=interviewer)) == [booked_slot]

    def test_blocking_a_date_removes_that_days_open_slots(self):
        interviewer = self._interviewer()
        BlockedDate.objects.create(interviewer=interviewer, date=date(2026, 11, 30))
        slots_generate(interviewer=interviewer, now=self.now)
        days = {
            s.astimezone(ZoneInfo("Europe/Berlin")).date()
            for s in Slot.objects.values_list("start", flat=True)
        }
        assert date(2026, 11, 30) not in days
        assert date(2026, 12, 7) in days

    def test_opting_out_of_interviewing_withdraws_open_slots(self):
        interviewer = self._interviewer()
        slots_generate(interviewer=interviewer, now=self.now)
        interviewer.is_interviewer = False
        slots_generate(interviewer=interviewer, now=self.now)
        assert not Slot.objects.filter(interviewer=interviewer).exists()

"""Interview rooms held by one machine (issue #14, "Measured").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roombench REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/rooms.py --rooms 100 --duration 60

The database must exist, migrated and with its content loaded (`manage.py migrate`,
`manage.py load_content`); the script adds its own members and sessions to it (fresh ones on
every run, sessions starting in 5 minutes so their rooms are open). It starts two web processes
as production does (gunicorn, one uvicorn worker each, config.asgi) on free ports sharing that
database and Redis; every room's interviewer connects to process A and its candidate to process
B, so every board update and every room event crosses the Redis channel layer. Each person holds
the room's JSON socket and its Yjs board socket. Drawing clients send 5 board updates a second:
an Excalidraw element (~300-600 bytes of JSON) set into its Y.Map in a Y.Array of Y.Maps, as
y-excalidraw stores them, with the send time inside; the other person's client reads that time
back out of the update it receives (one clock: the same machine), which is the fan-out latency.
The interviewer also logs a hint, reveals a fact or undoes the last entry every 10-20 s.

Then: the board document of a 60-minute session (5 edits a second for an hour over 150
elements, each edit re-sending the element's whole map as y-excalidraw does), stored through
board_save, and how long a fresh connection takes to receive it (sync step 1 -> step 2).
"""

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from _django import ROOT

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

STAMP = "0000000000.000000"  # as long as f"{time.time():017.6f}", so the update's bytes keep their layout
MARK = re.compile(rb"@@(\d+)\|(\d+\.\d+)@@")  # sender's client number and send time, in the update
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- seeding ---------------------------------------------------------------------------------


def seed(rooms: int) -> list[tuple[int, str, str]]:
    """`rooms` sessions starting in 5 minutes: (session id, interviewer's cookie, candidate's)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nobody signs in
    run = f"{int(time.time())}"
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    seeded = []
    for n in range(rooms):
        interviewer = InterviewerFactory(email=f"rb{run}-i{n}@example.com", credits=False)
        candidate = UserFactory(email=f"rb{run}-c{n}@example.com", credits=False)
        session = SessionFactory(candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start))
        cookies = []
        for user in (interviewer, candidate):
            client = Client()
            client.force_login(user)
            cookies.append(f"sessionid={client.cookies['sessionid'].value}")
        seeded.append((session.pk, *cookies))
    return seeded


# -- the web processes -------------------------------------------------------------------------


class Web:
    """One web process as production runs it: gunicorn, one uvicorn worker, config.asgi."""

    def __init__(self, log_dir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "SITE_URL": self.url,
            "DJANGO_ALLOW_ASYNC_UNSAFE": "",
        }
        self.log = open(log_dir / f"web-{self.port}.log", "w")  # noqa: SIM115 (closed in stop)
        command = [sys.executable, "-m", "gunicorn", "--config", "platform/gunicorn.conf.py"]
        command += ["--access-logfile", "/dev/null", "config.asgi:application"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"web process did not start: {self.log.name}") from None
                time.sleep(0.3)

    def pids(self) -> list[int]:
        """The master and its worker(s)."""
        children = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children += [int(p) for p in (task / "children").read_text().split()]
        return [self.process.pid, *children]

    def workers(self) -> list[int]:
        return self.pids()[1:]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


# -- the clients ---------------------------------------------------------------------------------

SHAPES = ("rectangle", "ellipse", "diamond", "arrow", "text", "line")
LABELS = ("Feature store", "Ranking service", "Candidate gen", "Kafka", "Embedding index", "Label join")


def element(number: int, version: int, sender: int) -> dict:
    """An Excalidraw element as the browser sends it (about 400-550 bytes of JSON)."""
    kind = SHAPES[number % len(SHAPES)]
    el = {
        "id": f"el-{sender}-{number}",
        "type": kind,
        "x": random.uniform(0, 1600),
        "y": random.uniform(0, 900),
        "width": random.uniform(40, 400),
        "height": random.uniform(20, 240),
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 2,
        "strokeStyle": "solid",
        "roughness": 1,
        "opacity": 100,
        "groupIds": [],
        "frameId": None,
        "roundness": {"type": 3},
        "seed": random.randrange(2**31),
        "version": version,
        "versionNonce": random.randrange(2**31),
        "isDeleted": False,
        "boundElements": None,
        "updated": int(time.time() * 1000),
        "link": None,
        "locked": False,
        "customData": {"bench": f"@@{sender}|{STAMP}@@"},  # the send time goes in place of STAMP
    }
    if kind == "text":
        el.update(text=LABELS[number % len(LABELS)], fontSize=20, fontFamily=5, textAlign="left")
    if kind in ("arrow", "line"):
        el["points"] = [[0, 0], [round(el["width"], 1), round(el["height"], 1)]]
    return el


class Drawer:
    """One person's board: a Y.Array of Y.Maps ({"el": element, "pos": index}), as y-excalidraw."""

    def __init__(self, sender: int, elements: int = 40):
        from pycrdt import Array, Doc

        self.sender, self.elements = sender, elements
        self.doc = Doc()
        self.array = self.doc.get("elements", type=Array)
        self.maps = []
        self.versions = []
        self.updates: list[bytes] = []
        self.doc.observe(lambda event: self.updates.append(event.update))

    def edit(self) -> bytes:
        """Draw a new element, or move/resize one already drawn (its whole map is re-sent)."""
        from pycrdt import Map

        if len(self.maps) < self.elements and (not self.maps or random.random() < 0.3):
            number = len(self.maps)
            self.versions.append(1)
            self.array.append(Map({"el": element(number, 1, self.sender), "pos": f"a{number:04d}"}))
            self.maps.append(self.array[number])
        else:
            number = random.randrange(len(self.maps))
            self.versions[number] += 1
            self.maps[number]["el"] = element(number, self.versions[number], self.sender)
        update = self.updates.pop()
        self.updates.clear()
        return update


class Stats:
    def __init__(self, rooms: int):
        self.latency: dict[int, list[float]] = {room: [] for room in range(rooms)}
        self.sent = 0
        self.received = 0
        self.actions = 0
        self.errors: dict[str, int] = {}
        self.closed: list[str] = []
        self.measuring = False
        self.window = (float("inf"), float("inf"))  # updates sent in it are measured (wall clock)


async def board_client(url, pk, cookie, room, me, draws, stats, stop, rate):
    from pycrdt import YMessageType, YSyncMessageType, create_update_message
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://") + f"/ws/sessions/{pk}/board"
    headers = {"Cookie": cookie, "Origin": url}
    # The edits are made beforehand (pycrdt's encoding would otherwise make the one client
    # process the bottleneck); each gets its send time written into its bytes as it goes.
    edits = iter(draws) if draws else iter(())
    async with connect(ws_url, additional_headers=headers, open_timeout=60, max_size=None) as ws:

        async def reader():
            async for raw in ws:
                if not isinstance(raw, bytes) or len(raw) < 2 or raw[0] != YMessageType.SYNC:
                    continue
                if raw[1] != YSyncMessageType.SYNC_UPDATE:
                    continue
                now = time.time()
                for sender, sent in MARK.findall(raw):
                    if int(sender) != me and stats.window[0] <= float(sent) < stats.window[1]:
                        stats.latency[room].append(now - float(sent))
                        stats.received += 1

        task = asyncio.create_task(reader())
        try:
            if draws:
                await asyncio.sleep(random.uniform(0, 1 / rate))
                next_at = time.monotonic()
                while not stop.is_set():
                    edit = next(edits, None)
                    if edit is None:
                        break
                    stamp = f"{time.time():017.6f}".encode()
                    await ws.send(create_update_message(edit.replace(STAMP.encode(), stamp, 1)))
                    if stats.measuring:
                        stats.sent += 1
                    next_at += 1 / rate
                    await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            await stop.wait()
        except Exception as exc:  # a closed connection is a finding, not a crash
            stats.closed.append(f"board {pk}: {exc!r}"[:200])
        task.cancel()


async def room_client(url, pk, cookie, interviewer, stats, stop):
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://") + f"/ws/sessions/{pk}/room"
    headers = {"Cookie": cookie, "Origin": url}
    last = {"intervention": None, "facts": 0}
    async with connect(ws_url, additional_headers=headers, open_timeout=60) as ws:

        async def reader():
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "state":
                    state = message["state"]
                    last["facts"] = len(state.get("facts", []))
                    live = [e for e in state.get("interventions", []) if e.get("undoable")]
                    last["intervention"] = live[-1]["id"] if live else None
                elif message.get("type") == "error" and stats.measuring:
                    stats.errors[message["message"]] = stats.errors.get(message["message"], 0) + 1

        task = asyncio.create_task(reader())
        try:
            revealed = 0
            while interviewer and not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=random.uniform(10, 20))
                    break
                except TimeoutError:
                    pass
                choice = random.choice(("log", "reveal", "undo"))
                if choice == "reveal" and revealed < last["facts"]:
                    action = {"action": "reveal_fact", "fact": revealed}
                    revealed += 1
                elif choice == "undo" and last["intervention"] is not None:
                    action = {"action": "undo", "event": last["intervention"]}
                else:
                    action = {"action": "log", "kind": random.choice(("hint", "guidance", "clarification"))}
                await ws.send(json.dumps(action))
                if stats.measuring:
                    stats.actions += 1
            await stop.wait()
        except Exception as exc:
            stats.closed.append(f"room {pk}: {exc!r}"[:200])
        task.cancel()


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def load(seeded, web_a, web_b, args) -> dict:
    stats = Stats(len(seeded))
    stop = asyncio.Event()
    order = iter(range(4 * len(seeded)))

    async def opened(coroutine_factory):
        await asyncio.sleep(next(order) * args.stagger)  # people arrive a few at a time
        await coroutine_factory()

    edits = int((args.warmup + args.stagger * 4 * len(seeded) + args.duration + 5) * args.rate)

    def drawing(sender: int) -> list[bytes]:
        drawer = Drawer(sender)
        return [drawer.edit() for _ in range(edits)]

    print(f"drawing {edits} edits per drawing client beforehand...", flush=True)
    tasks = []
    for room, (pk, ivan, cara) in enumerate(seeded):
        base = 2 * room
        draw_ivan = drawing(base) if args.drawing == "both" else None
        draw_cara = drawing(base + 1)
        tasks += [
            opened(lambda u=web_a.url, p=pk, c=ivan, r=room, m=base, d=draw_ivan: board_client(
                u, p, c, r, m, d, stats, stop, args.rate)),
            opened(lambda u=web_b.url, p=pk, c=cara, r=room, m=base + 1, draw_cara=draw_cara: board_client(
                u, p, c, r, m, draw_cara, stats, stop, args.rate)),
            opened(lambda u=web_a.url, p=pk, c=ivan: room_client(u, p, c, True, stats, stop)),
            opened(lambda u=web_b.url, p=pk, c=cara: room_client(u, p, c, False, stats, stop)),
        ]  # fmt: skip
    running = [asyncio.create_task(t) for t in tasks]
    print(f"connecting {len(running)} sockets...", flush=True)
    await asyncio.sleep(args.warmup)
    workers = web_a.workers() + web_b.workers()
    cpu_before = {pid: cpu_seconds(pid) for pid in workers}
    cpu_before["client"] = cpu_seconds(os.getpid())
    clock = time.monotonic()
    stats.measuring = True
    stats.window = (time.time(), float("inf"))
    rss_samples = {pid: [] for pid in workers}
    while time.monotonic() - clock < args.duration:
        await asyncio.sleep(min(5.0, args.duration - (time.monotonic() - clock)))
        for pid in workers:
            rss_samples[pid].append(rss_bytes(pid))
    stats.measuring = False
    stats.window = (stats.window[0], time.time())
    elapsed = time.monotonic() - clock
    cpu = {pid: (cpu_seconds(pid) - cpu_before[pid]) / elapsed for pid in workers}
    client_cpu = (cpu_seconds(os.getpid()) - cpu_before["client"]) / elapsed
    await asyncio.sleep(2)  # the last updates still on their way
    stop.set()
    await asyncio.gather(*running, return_exceptions=True)
    return {
        "stats": stats,
        "cpu": cpu,
        "rss": {pid: max(s) for pid, s in rss_samples.items()},
        "elapsed": elapsed,
        "client_cpu": client_cpu,
    }


# -- a 60-minute board and its resync ------------------------------------------------------------


def hour_of_drawing(elements: int, rate: float, minutes: int) -> bytes:
    drawer = Drawer(sender=0, elements=elements)
    for _ in range(int(rate * 60 * minutes)):
        drawer.edit()
    return drawer.doc.get_update()


async def resync(url, pk, cookie) -> tuple[float, float, int]:
    """Connect to the board and ask for everything: (seconds from opening to the whole document,
    seconds from sync step 1 to step 2, the document's bytes)."""
    from pycrdt import Doc, YMessageType, YSyncMessageType, create_sync_message
    from websockets.asyncio.client import connect

    from interviews.room.consumers import sync_update

    ws_url = url.replace("http://", "ws://") + f"/ws/sessions/{pk}/board"
    began = time.perf_counter()
    async with connect(
        ws_url, additional_headers={"Cookie": cookie, "Origin": url}, open_timeout=60, max_size=None
    ) as ws:
        asked = time.perf_counter()
        await ws.send(create_sync_message(Doc()))  # step 1 with an empty state vector
        async for raw in ws:
            if (
                isinstance(raw, bytes)
                and raw[0] == YMessageType.SYNC
                and raw[1] == YSyncMessageType.SYNC_STEP2
            ):
                done = time.perf_counter()
                document = sync_update(raw)
                doc = Doc()
                doc.apply_update(document)
                return done - began, done - asked, len(document)
    raise RuntimeError("the board closed before sending the document")


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of steady state measured")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds to connect and settle first")
    parser.add_argument("--stagger", type=float, default=0.03, help="seconds between two connections")
    parser.add_argument("--rate", type=float, default=5.0, help="board updates a second per drawing client")
    parser.add_argument(
        "--drawing", choices=("both", "candidate"), default="both", help="who draws in each room"
    )
    parser.add_argument("--resyncs", type=int, default=9)
    parser.add_argument("--skip-load", action="store_true", help="only the 60-minute board and its resync")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the rooms need both, as in production.")

    seeded = seed(args.rooms)
    print(f"seeded {len(seeded)} sessions", flush=True)
    log_dir = Path(tempfile.mkdtemp(prefix="roombench-"))
    web_a, web_b = Web(log_dir), Web(log_dir)
    try:
        time.sleep(3)
        baseline = {pid: rss_bytes(pid) for pid in web_a.workers() + web_b.workers()}
        print(f"web processes up: {web_a.url} {web_b.url} (logs in {log_dir})", flush=True)
        if not args.skip_load:
            report_load(asyncio.run(load(seeded, web_a, web_b, args)), baseline, args)

        from interviews.room.selectors import board_for
        from interviews.room.services import board_compact, board_save
        from interviews.sessions.models import Session

        document = hour_of_drawing(elements=150, rate=args.rate, minutes=60)
        pk, ivan, _cara = seeded[-1]
        board_save(session_id=pk, updates=[document])
        stored = board_compact(session_id=pk)
        assert len(board_for(Session(pk=pk))) == stored
        timings = [asyncio.run(resync(web_a.url, pk, ivan)) for _ in range(args.resyncs)]
        total = statistics.median(t[0] for t in timings) * 1000
        step = statistics.median(t[1] for t in timings) * 1000
        print(
            f"\n60-minute board ({int(args.rate * 3600)} edits over 150 elements): {len(document):,} bytes "
            f"as one update, {stored:,} bytes stored; resync received {timings[0][2]:,} bytes"
        )
        print(
            f"reconnect resync (median of {len(timings)}): {total:.1f} ms from opening the socket, "
            f"{step:.1f} ms from sync step 1 to step 2 "
            f"(all: {', '.join(f'{t[0] * 1000:.0f}' for t in timings)} ms)"
        )
    finally:
        web_a.stop()
        web_b.stop()


def report_load(result, baseline, args) -> None:
    stats = result["stats"]
    everything = [v for values in stats.latency.values() for v in values]
    ms = [v * 1000 for v in everything]
    per_room_p95 = {room: percentile(v, 0.95) * 1000 for room, v in stats.latency.items() if v}
    slow = sum(1 for p in per_room_p95.values() if p > 100)
    connections = 4 * args.rooms
    cpu_total = sum(result["cpu"].values())
    rss_total = sum(result["rss"].values())
    base_total = sum(baseline.values())
    print(f"\n{args.rooms} rooms x 2 people, {connections} sockets, drawing: {args.drawing}, {args.rate}/s")
    print(
        f"measured {result['elapsed']:.0f} s: {stats.sent} updates sent, {stats.received} received by "
        f"the other person ({stats.received / max(1, stats.sent):.0%}), {stats.actions} interviewer actions"
    )
    print(
        f"fan-out latency: p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
    )
    print(
        f"rooms with p95 > 100 ms: {slow} of {len(per_room_p95)} "
        f"(per-room p95s: median {statistics.median(per_room_p95.values()):.1f} ms, "
        f"worst {max(per_room_p95.values()):.1f} ms)"
    )
    for pid in result["cpu"]:
        print(
            f"worker {pid}: CPU {result['cpu'][pid]:.0%} of a core, RSS {result['rss'][pid] / 2**20:.0f} MiB "
            f"(baseline {baseline[pid] / 2**20:.0f} MiB)"
        )
    print(
        f"per connection ({connections}): CPU {cpu_total / connections * 100:.2f}% of a core, "
        f"RSS {(rss_total - base_total) / connections / 1024:.0f} KiB above the baseline "
        f"({rss_total / connections / 1024:.0f} KiB with it)"
    )
    drawers = args.rooms * (2 if args.drawing == "both" else 1)
    print(
        f"sent {stats.sent / result['elapsed']:.0f} updates/s of {drawers * args.rate:.0f} wanted; "
        f"the client process used {result['client_cpu']:.0%} of a core; "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if stats.errors:
        print(f"room errors: {stats.errors}")
    if stats.closed:
        print(f"connections lost: {len(stats.closed)}, e.g. {stats.closed[:3]}")


if __name__ == "__main__":
    main()

"""The project's frame: layout guard, production settings, compose file, CSP, health check."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-production-secret-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "peerloop.example.com",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_platform_folder_is_not_a_python_package():
    # A package named `platform` would shadow the standard library's module (then uuid, and Django, break).
    assert not (ROOT / "platform" / "__init__.py").exists()
    importable = [p.name for p in (ROOT / "platform").glob("*.py") if p.stem.isidentifier()]
    assert importable == [], f"importable modules in platform/: {importable}"
    result = subprocess.run(
        [sys.executable, "-c", "import platform, uuid; print(platform.python_version())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ".".join(map(str, sys.version_info[:3]))


def test_deploy_check_passes_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret_or_hosts(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG=0" in result.stderr


def test_bad_environment_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 1)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with smtp://"):
        email_settings("http://mail.example.com")


def test_email_url_becomes_smtp_settings():
    assert email_settings(None)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    tls = email_settings("smtp://me%40example.com:p%40ss@mail.example.com:587?tls=1")
    assert (tls["EMAIL_HOST"], tls["EMAIL_PORT"], tls["EMAIL_USE_TLS"], tls["EMAIL_USE_SSL"]) == (
        "mail.example.com",
        587,
        True,
        False,
    )
    assert (tls["EMAIL_HOST_USER"], tls["EMAIL_HOST_PASSWORD"]) == ("me@example.com", "p@ss")
    ssl = email_settings("smtp://mail.example.com?ssl=1")
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_SSL"]) == (465, True)


@pytest.mark.django_db
def test_every_html_page_carries_a_nonce_based_csp(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "unsafe-inline" not in script_src
    assert f'nonce="{nonce}"'.encode() in response.content
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_api_docs_and_schema_are_served_offline(client, candidate):
    client.force_login(candidate)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content and b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"//cdn" not in docs.content and b"unpkg" not in docs.content


@pytest.mark.django_db
def test_api_errors_are_json_never_html(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reaches_the_real_redis_broker(client, settings):
    from config.celery import app

    assert app.conf.broker_url == settings.REDIS_URL
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.redis
def test_cache_is_shared_through_redis(settings):
    # allauth's and the API's rate limits count in the cache: with REDIS_URL it must be Redis.
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("peerloop-probe", "42", 5)
    import redis

    keys = redis.Redis.from_url(settings.REDIS_URL).keys("*peerloop-probe*")
    assert keys, "the cache did not write to Redis"


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql_when_database_url_says_so():
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000


class TestComposeFile:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    settings_source = (ROOT / "config" / "settings.py").read_text()

    def test_has_the_whole_stack(self):
        assert set(self.services) == {"postgres", "redis", "web", "worker", "beat", "mailpit"}
        assert self.services["postgres"]["image"].startswith("postgres:16")
        assert self.services["redis"]["image"].startswith("redis:7")

    def test_redis_keeps_queued_work(self):
        command = " ".join(self.services["redis"]["command"])
        assert "--appendonly yes" in command
        assert "--maxmemory-policy noeviction" in command

    def test_app_services_run_the_right_processes_from_the_platform_image(self):
        for name in ("web", "worker", "beat"):
            service = self.services[name]
            assert service["build"]["dockerfile"] == "platform/Dockerfile"
            assert (ROOT / service["build"]["dockerfile"]).exists()
        assert self.services["web"]["command"][:3] == ["gunicorn", "--config", "platform/gunicorn.conf.py"]
        assert (ROOT / "platform" / "gunicorn.conf.py").exists()
        assert self.services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
        assert self.services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]

    def test_exactly_one_beat(self):
        beats = [name for name, s in self.services.items() if "beat" in " ".join(s.get("command") or [])]
        assert beats == ["beat"]
        assert self.services["beat"]["deploy"]["replicas"] == 1

    def test_environment_matches_the_settings(self):
        env_names = set(self.services["web"]["environment"])
        env_names |= {
            line.split("=", 1)[0]
            for line in (ROOT / ".env.example").read_text().splitlines()
            if line and not line.startswith("#")
        }
        for name in env_names:
            assert f'"{name}"' in self.settings_source, f"{name} is set in compose but not read by settings"

        env = self.services["web"]["environment"]
        db = dj_database_url.parse(env["DATABASE_URL"])
        postgres = self.services["postgres"]["environment"]
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert (db["HOST"], db["USER"], db["PASSWORD"], db["NAME"]) == (
            "postgres",
            postgres["POSTGRES_USER"],
            postgres["POSTGRES_PASSWORD"],
            postgres["POSTGRES_DB"],
        )
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        mail = email_settings(env["EMAIL_URL"])
        assert mail["EMAIL_HOST"] == "mailpit"
        assert any(port.endswith(f":{mail['EMAIL_PORT']}") for port in self.services["mailpit"]["ports"])


@pytest.mark.postgres
def test_a_web_process_keeps_to_its_connection_pool_and_plans_without_parallel_workers(asgi_servers):
    """Under ASGI each request runs in a thread of its own: with persistent connections every one
    of them kept its own connection open (the load test ran PostgreSQL out of connections). The web
    process takes them from a pool of DB_POOL_SIZE instead (platform/gunicorn.conf.py)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    [url] = asgi_servers(1)
    with ThreadPoolExecutor(8) as requests:
        answers = list(requests.map(lambda _: urllib.request.urlopen(f"{url}/healthz").status, range(48)))
    assert answers == [200] * 48
    # ... and plans a page's small queries without parallel workers (their start-up costs more).
    probe = "from django.db import connection; c = connection.cursor(); "
    probe += "c.execute('SHOW max_parallel_workers_per_gather'); print(c.fetchone()[0])"
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    shell = _manage("shell", "-c", probe, env={"DB_POOL_SIZE": "4", "DATABASE_URL": url})
    assert shell.stdout.splitlines()[-1] == "0", shell.stderr
    with connection.cursor() as cursor:
        web = "datname = current_database() AND application_name = 'peerloop-web'"
        cursor.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {web}")
        held = cursor.fetchone()[0]
    assert 1 <= held <= 4


@pytest.mark.postgres
def test_a_web_process_keeps_an_idle_connection_longer_than_a_pause_between_clicks(asgi_servers):
    """A connection left idle for a few seconds (a person reading a page, a proxy's pooled
    connection) is still open for the next request: had the server closed it, a request sent as it
    closes is reset (gunicorn's default keep-alive, 2 s, did that once in the load test)."""
    import http.client
    from urllib.parse import urlsplit

    [url] = asgi_servers(1)
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    connection.request("GET", "/healthz")
    assert connection.getresponse().read() and connection.sock is not None
    time.sleep(3)
    connection.request("GET", "/healthz")  # on the same socket: http.client does not reconnect
    assert connection.getresponse().status == 200
    connection.close()

"""Checks of the deployment files that need no Docker engine.

docker-compose.yml is checked three ways: against the Compose Specification's JSON schema,
by hand for what this project requires of it (health-gated start, no committed secret, only
loopback ports), and, where a Compose CLI is installed, by `docker compose config`.

tests/data/compose-spec.json is the Compose Specification schema as shipped in Debian 12's
docker-compose 1.29.2-3 package (/usr/lib/python3/dist-packages/compose/config/compose_spec.json,
Apache-2.0, Copyright Docker Inc.), unchanged.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = Path(__file__).resolve().parent / "data" / "compose-spec.json"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint.sh"
CI_RUN = ROOT / ".ci" / "run"
README = ROOT / "README.md"

TEST_COMMAND = "./scripts/test.sh"
SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|PEPPER|TOKEN", re.IGNORECASE)
# A whole value that is one required-variable reference: ${NAME:?message} or ${NAME?message}.
REQUIRED_VAR = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$")
VAR_REF = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}")
DUMMY_ENV = {
    "POSTGRES_PASSWORD": "dummy-postgres-password",
    "CONFER_APP_DB_PASSWORD": "dummy-app-password",
    "CONFER_API_KEY_PEPPER": "p" * 32,
    "CONFER_TOKEN_SECRET": "t" * 32,
    "CONFER_BOOTSTRAP_ADMIN_KEY": "b" * 32,
}


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the KEY=VALUE list form
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def code_lines(path: Path, comment: str = "#") -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith(comment)]


# docker-compose.yml against the Compose Specification schema


def compose_validator() -> Any:
    jsonschema_rs = pytest.importorskip("jsonschema_rs", reason="jsonschema_rs (from schemathesis)")
    schema = yaml.safe_load(COMPOSE_SCHEMA.read_text())
    # Compose's formats ("duration" as Go writes it, "ports", ...) are not JSON Schema's.
    return jsonschema_rs.validator_for(schema, validate_formats=False)


def test_compose_file_matches_compose_spec_schema() -> None:
    validator = compose_validator()
    compose = load_compose()
    errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_compose_spec_schema_rejects_a_broken_file() -> None:
    # The schema check above is only worth something if the schema does reject mistakes.
    validator = compose_validator()
    broken = load_compose()
    broken["services"]["app"]["depends_on"]["db"]["condition"] = "service_ready"
    assert not validator.is_valid(broken)
    broken = load_compose()
    broken["services"]["app"]["ports"] = [{"nonsense": True}]
    assert not validator.is_valid(broken)


# docker-compose.yml by hand


def test_compose_services_and_start_order() -> None:
    services = load_compose()["services"]
    assert {"app", "db", "redis"} <= set(services)
    assert services["db"]["image"] == "postgres:15"
    assert str(services["redis"]["image"]).startswith("redis:7")
    app = services["app"]
    build = app["build"]
    assert (build if isinstance(build, str) else build["context"]) == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "/health" in " ".join(app["healthcheck"]["test"])


def test_compose_app_environment() -> None:
    services = load_compose()["services"]
    env = environment(services["app"])
    # The service runs as a role that owns nothing; migrations run as the owner.
    assert env["CONFER_DATABASE_URL"].startswith("postgresql+asyncpg://confer_app:")
    assert env["CONFER_DATABASE_URL"].endswith("@db:5432/confer")
    assert env["CONFER_MIGRATION_DATABASE_URL"].startswith("postgresql+asyncpg://confer:")
    assert "./scripts/postgres-init:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
    assert env["CONFER_RATE_LIMIT_STORAGE_URL"] == "redis://redis:6379/0"
    for name in ("CONFER_API_KEY_PEPPER", "CONFER_TOKEN_SECRET", "CONFER_BOOTSTRAP_ADMIN_KEY"):
        assert REQUIRED_VAR.match(env[name]), f"{name} must be a required ${{VAR:?...}} reference"
    db_env = environment(services["db"])
    assert db_env["POSTGRES_USER"] == "confer" and db_env["POSTGRES_DB"] == "confer"
    assert REQUIRED_VAR.match(db_env["POSTGRES_PASSWORD"])


def test_compose_commits_no_secret() -> None:
    for name, service in load_compose()["services"].items():
        for key, value in environment(service).items():
            if not SECRET_NAME.search(key):
                continue
            assert VAR_REF.fullmatch(value), f"{name}.{key} holds a literal value, not ${{VAR...}}"
        # A password inside a URL must come from a variable too.
        for key, value in environment(service).items():
            credentials = re.match(r"^[a-z+]+://([^@/]*)@", value)
            if credentials and ":" in credentials.group(1):
                password = credentials.group(1).split(":", 1)[1]
                assert VAR_REF.fullmatch(password), f"{name}.{key} has a literal password"


def test_compose_publishes_ports_on_loopback_only() -> None:
    for name, service in load_compose()["services"].items():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", f"{name}: {port}"
            else:
                assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"
    assert "127.0.0.1:8000:8000" in load_compose()["services"]["app"]["ports"]


# docker-compose.yml by a Compose CLI, where one is installed


def compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(  # noqa: S603
            [docker, "compose", "version"], capture_output=True, timeout=60
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_config_with_cli() -> None:
    cli = compose_cli()
    if cli is None:
        pytest.skip("no Compose CLI (docker compose or docker-compose) installed")
    base_env = {k: v for k, v in os.environ.items() if k not in DUMMY_ENV}
    base_env.update({"COMPOSE_PROJECT_NAME": "confer-test", "HOME": os.environ.get("HOME", "/")})
    command = [*cli, "-f", str(COMPOSE_FILE), "config", "-q"]

    ok = subprocess.run(  # noqa: S603
        command, env={**base_env, **DUMMY_ENV}, capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr

    # Without its secrets the file must be refused, not started with empty ones.
    missing = subprocess.run(  # noqa: S603
        command, env=base_env, capture_output=True, text=True, timeout=120
    )
    assert missing.returncode != 0
    assert "POSTGRES_PASSWORD" in missing.stderr or "CONFER_" in missing.stderr


# Dockerfile and its entrypoint


def test_dockerfile() -> None:
    lines = code_lines(DOCKERFILE)
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "EXPOSE 8000" in lines
    installs = [line for line in lines if "pip install" in line]
    assert installs, "the image installs the project with pip"
    for line in installs:
        assert not re.search(r"\s(-e|--editable)(\s|=|$)", line), "a regular, non-editable install"
    entrypoints = [line for line in lines if line.startswith("ENTRYPOINT")]
    assert entrypoints and "docker-entrypoint.sh" in entrypoints[-1]


def test_entrypoint_migrates_then_serves() -> None:
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    lines = code_lines(ENTRYPOINT)
    body = "\n".join(lines)
    migrate = body.index("confer migrate")
    serve = body.index("exec confer serve --host 0.0.0.0 --port 8000")
    assert migrate < serve
    assert os.access(ENTRYPOINT, os.X_OK)
    sh = shutil.which("sh")
    if sh:
        assert subprocess.run([sh, "-n", str(ENTRYPOINT)], timeout=30).returncode == 0  # noqa: S603


# CI and the README's test command


def test_ci_runs_the_readme_test_command() -> None:
    lines = code_lines(CI_RUN)
    assert any(TEST_COMMAND in line for line in lines), f".ci/run must run {TEST_COMMAND}"
    bash = shutil.which("bash")
    if bash:
        for script in (CI_RUN, ROOT / "scripts" / "test.sh", ROOT / "scripts" / "pg-throwaway.sh"):
            syntax = subprocess.run([bash, "-n", str(script)], timeout=30)  # noqa: S603
            assert syntax.returncode == 0, script


def test_readme_names_the_test_command() -> None:
    if not README.exists():
        pytest.skip("no README.md yet")
    assert TEST_COMMAND in README.read_text()

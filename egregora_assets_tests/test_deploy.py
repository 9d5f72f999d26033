"""The deployment files agree and load: runs in containers against PostgreSQL, without Docker here.

Docker and Kubernetes do not run on this machine. The instance config is loaded through Dagster's
own machinery against a real PostgreSQL server, with DockerRunLauncher imported and configured; a
Docker host that refuses connections proves nothing tried to reach a Docker daemon."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster_docker import DockerRunLauncher
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
PYPROJECT = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())


@pytest.fixture
def docker_instance(postgres, tmp_path, monkeypatch):
    for name, value in postgres.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EGREGORA_IMAGE", "egregora:test")
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")  # refuses: any call to Docker would fail
    shutil.copy(DEPLOY / "dagster-docker.yaml", tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        yield instance


def test_docker_instance_loads_against_postgres(docker_instance):
    launcher = docker_instance.run_launcher
    assert isinstance(launcher, DockerRunLauncher)
    assert launcher.image == "egregora:test" and launcher.networks == ["egregora"]
    # Each run's container gets the connection, the home and LanceDB's object store.
    passed = {
        "DAGSTER_PG_HOST",
        "DAGSTER_PG_PASSWORD",
        "EGREGORA_HOME",
        "EGREGORA_WAREHOUSE__URL",
        "EGREGORA_VECTORS__URI",
        "AWS_ACCESS_KEY_ID",
    }
    assert passed <= set(launcher.env_vars)
    assert launcher.container_kwargs["volumes"] == ["egregora-home:/home/egregora"]
    assert isinstance(docker_instance.run_coordinator, QueuedRunCoordinator)
    assert isinstance(docker_instance.run_storage, PostgresRunStorage)
    assert isinstance(docker_instance.event_log_storage, PostgresEventLogStorage)
    assert docker_instance.get_runs() == []  # the storage answers: its tables were created
    assert docker_instance.get_concurrency_config().run_queue_config.max_concurrent_runs >= 2


def test_compose_workspace_and_image_agree():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())
    launcher = yaml.safe_load((DEPLOY / "dagster-docker.yaml").read_text())["run_launcher"]["config"]
    (location,) = yaml.safe_load((DEPLOY / "workspace-docker.yaml").read_text())["load_from"]
    server = location["grpc_server"]
    assert server["location_name"] == PYPROJECT["tool"]["dagster"]["code_location_name"]
    assert server["host"] in compose["services"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert f'"-p", "{server["port"]}"' in dockerfile and "egregora_assets.definitions" in dockerfile
    # What the launcher passes on, the daemon's environment has; the volume and network names match.
    env = compose["services"]["daemon"]["environment"]
    assert set(launcher["env_vars"]) <= set(env) and "EGREGORA_IMAGE" in env
    assert compose["volumes"]["egregora-home"]["name"] == launcher["container_kwargs"]["volumes"][0].split(":")[0]
    assert compose["networks"]["egregora"]["name"] == launcher["network"]


def test_extras_install_what_the_deployment_needs():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert "dagster-postgres==0.29.27" in extras["postgres"]
    assert "dagster-docker==0.29.27" in extras["docker"]
    assert set(extras["postgres"]) | set(extras["docker"]) <= set(extras["dev"])

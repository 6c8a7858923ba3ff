"""The `museion` command line, run as real processes against real databases."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx

from tests.server import run_museion, running_server


def test_db_upgrade_migrates_an_empty_database(empty_database_url: str, tmp_path: Path) -> None:
    result = run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)
    assert "database at revision" in result.stdout
    current = run_museion("db", "current", database_url=empty_database_url, workdir=tmp_path)
    assert current.stdout.strip() in result.stdout


def test_token_lifecycle_against_a_running_server(empty_database_url: str, tmp_path: Path) -> None:
    run_museion("demo", "--no-serve", database_url=empty_database_url, workdir=tmp_path)
    created = run_museion(
        "token",
        "create",
        "--access",
        "reseller",
        "--museum",
        "1",
        "--name",
        "Partner GmbH",
        database_url=empty_database_url,
        workdir=tmp_path,
    )
    secret = created.stdout.strip()
    assert secret.startswith("msn_")
    listing = run_museion("token", "list", database_url=empty_database_url, workdir=tmp_path)
    assert "Partner GmbH" in listing.stdout
    assert secret not in listing.stdout  # shown once, never again
    token_id = next(
        line.split()[0] for line in listing.stdout.splitlines() if "Partner GmbH" in line
    )

    with running_server(empty_database_url, tmp_path) as url:
        headers = {"Authorization": f"Bearer {secret}"}
        assert httpx.get(f"{url}/api/v4/whoami", headers=headers).json() == {
            "access": "reseller",
            "museums": [1],
        }
        exhibitions = httpx.get(f"{url}/api/v4/exhibitions?by_museum_ids[]=1").json()
        assert exhibitions["meta"]["total_count"] == 4
        run_museion("token", "revoke", token_id, database_url=empty_database_url, workdir=tmp_path)
        assert httpx.get(f"{url}/api/v4/whoami", headers=headers).status_code == 401

    listing = run_museion(
        "token", "list", "--all", database_url=empty_database_url, workdir=tmp_path
    )
    assert "revoked" in listing.stdout


def test_token_permissions_round_trip(empty_database_url: str, tmp_path: Path) -> None:
    """`--all-orders` (cash points) and `--permission orders` (user tokens) are stored, listed
    and decide what the token may do against a running server."""
    run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)

    def create(*args: str) -> str:
        result = run_museion(
            "token", "create", *args, database_url=empty_database_url, workdir=tmp_path
        )
        return result.stdout.strip()

    till = create("--access", "cashpoint", "--all-orders", "--name", "Front desk")
    staff = create("--access", "user", "--permission", "orders", "--name", "Back office")
    content = create("--access", "user", "--name", "Content sync")
    listing = run_museion("token", "list", database_url=empty_database_url, workdir=tmp_path)
    lines = {line.split()[-1]: line.split() for line in listing.stdout.splitlines()[1:]}
    assert "permissions" in listing.stdout.splitlines()[0]
    assert lines["desk"][1:4] == ["cashpoint", "all", "all_orders"]
    assert lines["office"][1:4] == ["user", "all", "orders"]
    assert lines["sync"][1:4] == ["user", "all", "-"]

    refused = run_museion(
        "token",
        "create",
        "--access",
        "reseller",
        "--permission",
        "orders",
        database_url=empty_database_url,
        workdir=tmp_path,
        check=False,
    )
    assert refused.returncode != 0
    assert "permission 'orders' cannot be given to reseller tokens" in refused.stderr

    with running_server(empty_database_url, tmp_path) as url:

        def orders(secret: str) -> int:
            headers = {"Authorization": f"Bearer {secret}"}
            return httpx.get(f"{url}/api/v4/orders", headers=headers).status_code

        assert orders(till) == 200
        assert orders(staff) == 200
        assert orders(content) == 403


def test_token_create_refuses_unknown_museums(empty_database_url: str, tmp_path: Path) -> None:
    run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)
    result = run_museion(
        "token",
        "create",
        "--access",
        "user",
        "--museum",
        "42",
        database_url=empty_database_url,
        workdir=tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert "unknown museum ids: 42" in result.stderr


def test_token_revoke_of_unknown_token_fails(empty_database_url: str, tmp_path: Path) -> None:
    run_museion("db", "upgrade", database_url=empty_database_url, workdir=tmp_path)
    result = run_museion(
        "token", "revoke", "77", database_url=empty_database_url, workdir=tmp_path, check=False
    )
    assert result.returncode != 0
    assert "no token with id 77" in result.stderr


def test_demo_refreshes_and_serves_the_demo_museums(
    empty_database_url: str, tmp_path: Path
) -> None:
    run_museion("demo", "--no-serve", database_url=empty_database_url, workdir=tmp_path)
    # Running it again refreshes instead of duplicating.
    with running_server(empty_database_url, tmp_path, command="demo") as url:
        museums = httpx.get(f"{url}/api/v4/museums").json()
        assert museums["meta"]["total_count"] == 4
        teaser = museums["museums"][0]["picture"]["teaser"]
        picture = httpx.get(teaser)
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/jpeg"
        assert picture.content.startswith(b"\xff\xd8")  # a JPEG
        user = httpx.get(f"{url}/api/v4/whoami", headers={"Authorization": "Bearer demo-user"})
        assert user.json() == {"access": "user", "museums": []}


def test_demo_will_not_overwrite_real_content(empty_database_url: str, tmp_path: Path) -> None:
    run_museion("demo", "--no-serve", database_url=empty_database_url, workdir=tmp_path)
    from museion.db import Database, session_scope
    from museion.system.models import InstanceSetting

    database = Database(empty_database_url)
    with session_scope(database) as session:
        session.delete(session.get(InstanceSetting, "demo_data"))
    database.dispose()
    result = run_museion(
        "demo", "--no-serve", database_url=empty_database_url, workdir=tmp_path, check=False
    )
    assert result.returncode != 0
    assert "not demo data" in result.stderr

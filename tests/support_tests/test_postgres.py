"""The PostgreSQL fixtures give a real server that SQLAlchemy async + asyncpg can use."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.fixtures import STARTUP_SECONDS
from tests.support.postgres import (
    PostgresServer,
    asyncpg_url,
    check_database_name,
    unique_database_name,
)

pytestmark = pytest.mark.postgres


async def test_real_query_create_insert_read_back(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+asyncpg://")
    engine = create_async_engine(postgres_url)
    try:
        async with engine.begin() as conn:
            version = (await conn.execute(text("select version()"))).scalar_one()
            assert version.startswith("PostgreSQL ")
            await conn.execute(
                text("create table skill (id serial primary key, name text not null)")
            )
            await conn.execute(
                text("insert into skill (name) values (:a), (:b)"),
                {"a": "svetsning", "b": "barnpassning ✨"},
            )
        async with engine.connect() as conn:
            rows = (await conn.execute(text("select id, name from skill order by id"))).all()
        assert [tuple(row) for row in rows] == [(1, "svetsning"), (2, "barnpassning ✨")]
    finally:
        await engine.dispose()


async def test_each_test_gets_a_fresh_empty_database(postgres_url: str) -> None:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            count = (
                await conn.execute(
                    text(
                        "select count(*) from information_schema.tables "
                        "where table_schema = 'public'"
                    )
                )
            ).scalar_one()
        assert count == 0
    finally:
        await engine.dispose()


async def test_create_and_drop_database(postgres_server: PostgresServer) -> None:
    name = unique_database_name("support")
    url = await postgres_server.create_database(name)
    assert url.endswith(f"/{name}")
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            current = (await conn.execute(text("select current_database()"))).scalar_one()
        assert current == name
    finally:
        await engine.dispose()
    await postgres_server.drop_database(name)
    default = create_async_engine(postgres_server.url)
    try:
        async with default.connect() as conn:
            exists = (
                await conn.execute(
                    text("select count(*) from pg_database where datname = :n"), {"n": name}
                )
            ).scalar_one()
        assert exists == 0
    finally:
        await default.dispose()


def test_throwaway_cluster_starts_quickly(postgres_server: PostgresServer) -> None:
    if postgres_server.external:
        pytest.skip("an external server was given; nothing was started")
    assert postgres_server.url.startswith("postgresql+asyncpg://postgres@127.0.0.1:")
    assert STARTUP_SECONDS["postgres"] < 30, STARTUP_SECONDS


def test_url_helpers() -> None:
    assert asyncpg_url("postgresql://u:p@h:5433/db") == "postgresql+asyncpg://u:p@h:5433/db"
    assert asyncpg_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    with pytest.raises(ValueError):
        asyncpg_url("sqlite+aiosqlite:///x.db")
    assert check_database_name("t_abc_1") == "t_abc_1"
    for bad in ("", "1abc", 'x"; drop', "A", "a" * 64):
        with pytest.raises(ValueError):
            check_database_name(bad)
    name = unique_database_name("test_thing[param-1]")
    assert check_database_name(name) == name
    assert name.startswith("test_thing_param_1_")

"""Waits for PostgreSQL (creating the app database) or Redis at DATABASE_URL / REDIS_URL."""

import argparse
import os
import sys
import time


def postgres_ready() -> str | None:
    """Connects to the server's maintenance database and creates the app's database if missing."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=2,
        )
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()
    return None


def redis_ready() -> str | None:
    import redis

    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=["postgres", "redis"])
    parser.add_argument("--wait", type=float, default=0, help="seconds to keep trying")
    args = parser.parse_args()
    probe = postgres_ready if args.service == "postgres" else redis_ready
    deadline = time.monotonic() + args.wait
    while True:
        error = probe()
        if error is None:
            return 0
        if time.monotonic() >= deadline:
            print(f"{args.service} not reachable: {error}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())

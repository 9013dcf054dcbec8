"""Create the PostgreSQL database DATABASE_URL names when it is not there yet,
so `make bench` (and a first `make run` against PostgreSQL) works on a fresh
machine without a separate createdb."""

from contextlib import closing

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database in DATABASE_URL if it does not exist."

    def handle(self, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("create_database is for PostgreSQL: DATABASE_URL is not a postgres:// URL.")
        name = database["NAME"]
        server = {key.lower(): database[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if database[key]}
        # The server's own maintenance database: the one asked for may not exist yet.
        with closing(psycopg2.connect(dbname="postgres", **server)) as maintenance:
            maintenance.autocommit = True  # CREATE DATABASE cannot run inside a transaction
            with maintenance.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} is there.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.stdout.write(f"Created database {name}.")

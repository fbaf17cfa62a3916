"""``jaga grant_app_role ROLE``: lets the application's PostgreSQL role use the tables it needs, and no more.

Run it as the role that owns the database and ran the migrations. The application role then reads
and writes rows but cannot change tables, disable the audit log's triggers or empty a table with
TRUNCATE (README, "Deploying on PostgreSQL"; ADR 0003).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from psycopg import sql

STATEMENTS = [
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
]


class Command(BaseCommand):
    help = "Grant an application role row access to Jaga's tables (PostgreSQL; run as the owner role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the application connects as (it must exist)")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL has roles: the embedded SQLite database is one file.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...').")
            for statement in STATEMENTS:
                cursor.execute(sql.SQL(statement).format(role=sql.Identifier(role)))
        self.stdout.write(f"{role} may now read and write rows; it cannot alter, truncate or disable triggers.")

"""The rate limiter's shared counts when there is no Redis (hubportal.security.ratelimits):
the table `manage.py createcachetable` would make, made by migrate so no one
has to remember that step. Created whatever the settings say, so switching
REDIS_URL off later still finds it."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "hubportal_ratelimit_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("hubportal", "0011_board_report_claim_heartbeat")]

    operations = [migrations.RunPython(create, drop)]

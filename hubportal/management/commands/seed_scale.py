"""`seed_scale`: a decade of data for a Hub of N partners, for `make bench`.

    python manage.py seed_scale --partners 2000 --seed 1

Deterministic for a seed and a date, and fast (bulk inserts). On a database
that already holds scale data it says so and does nothing; `--force` adds
another batch beside it.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from hubportal.devtools.scale import ScaleSeeder, scale_batches, vacuum_analyze


class Command(BaseCommand):
    help = "Make a decade of believable data for N partners (bulk inserts; deterministic with --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=2000, help="How many partners (default 2,000).")
        parser.add_argument("--seed", type=int, default=1, help="The random seed: the same seed, the same data.")
        parser.add_argument("--force", action="store_true", help="Add another batch even if scale data exist.")

    def handle(self, *args, partners: int, seed: int, force: bool, **options):
        if partners < 1:
            raise CommandError("--partners must be at least 1.")
        batches = scale_batches()
        if batches and not force:
            self.stdout.write(
                f"Scale data are already here ({batches} batch{'es' if batches > 1 else ''}): nothing to do. "
                "Use --force to add another batch."
            )
            return
        started = time.perf_counter()
        self.stdout.write(f"Seeding {partners:,} partners over 10 academic years (seed {seed}) …")
        try:
            counts = ScaleSeeder(partners=partners, seed=seed, log=self.stdout.write).run()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        vacuum_analyze()
        seconds = time.perf_counter() - started
        width = max(len(name) for name in counts)
        for name, count in sorted(counts.items()):
            self.stdout.write(f"  {name:<{width}}  {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {sum(counts.values()):,} rows for {partners:,} partners in {seconds:.1f} s.")
        )

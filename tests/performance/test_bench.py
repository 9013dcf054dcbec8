"""The `make bench` command's own parts that need no PostgreSQL, Redis or wrk: the gunicorn it
starts is make serve's."""

import shlex
from pathlib import Path

from django.conf import settings

from hubportal.bench import SERVE_WORKERS, gunicorn_command


def serve_gunicorn() -> list[str]:
    """The arguments of the gunicorn command in the Makefile's serve target (continuations joined)."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text().replace("\\\n", " ")
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    line = next(line for line in recipe.splitlines() if "bin/gunicorn " in line)
    return shlex.split(line.split("bin/gunicorn ", 1)[1])


def options(arguments: list[str]) -> dict[str, str]:
    """--name value pairs after the application."""
    rest = arguments[arguments.index("hubportal.wsgi:application") + 1 :]
    return dict(zip(rest[::2], rest[1::2], strict=True))


def test_the_bench_runs_gunicorn_with_make_serves_options():
    serve = options(serve_gunicorn())
    bench = options(gunicorn_command(port=8765, workers=SERVE_WORKERS))
    assert serve.pop("--bind") == "$(HOST):$(PORT)" and bench.pop("--bind") == "127.0.0.1:8765"
    # make serve's workers are WEB_CONCURRENCY's, 4 unless set: the bench's default is the same.
    assert serve.pop("--workers") == f"$${{WEB_CONCURRENCY:-{SERVE_WORKERS}}}"
    assert bench.pop("--workers") == str(SERVE_WORKERS)
    assert bench == serve
    assert serve["--logger-class"] == "hubportal.redaction.RedactingGunicornLogger"
    assert serve["--access-logfile"] == "-"

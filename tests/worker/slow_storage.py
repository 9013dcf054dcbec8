"""A file storage that takes its time, like a slow disk or a large PDF: it
marks that a save has started, waits, then saves. A test kills the worker
while it waits, mid-way through a board report."""

import os
import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage


class SlowFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        marks = Path(os.environ["HUBPORTAL_TEST_MAIL_DIR"])
        (marks / f"saving-{os.getpid()}-{time.time_ns()}").touch()
        time.sleep(float(os.environ.get("HUBPORTAL_SLOW_SAVE_SECONDS", "0")))
        return super()._save(name, content)

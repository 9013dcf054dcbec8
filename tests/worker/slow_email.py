"""An email backend that takes its time, like a slow SMTP server: it marks
that a send has started, waits, then writes the message to a file."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        (folder / f"started-{os.getpid()}-{time.time_ns()}").touch()
        time.sleep(float(os.environ.get("HUBPORTAL_SLOW_EMAIL_SECONDS", "0")))
        return super().send_messages(email_messages)

"""Sending e-mail through the SMTP server in the settings (none configured: no e-mail).

aiosmtplib speaks SMTP on the event loop, so a slow mail server never blocks a chat.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from api.settings import Settings

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """No SMTP host is set; callers offer the learner another way instead."""


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def enabled(self) -> bool:
        return self._settings.mail_enabled

    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        """Send one message; raises ``MailNotConfigured`` or aiosmtplib's SMTPException."""
        if not self.enabled:
            raise MailNotConfigured
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        settings = self._settings
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=15,
        )
        # The address is personal data: the log says only that a message went out.
        log.info("sent an e-mail: %s", subject)

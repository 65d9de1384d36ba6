"""Expiry reminders really go out by SMTP when a server is configured (a tiny SMTP server on 127.0.0.1)."""
import datetime as dt
import socket
import threading
from email import message_from_bytes, policy

import sqlalchemy as sa

from cert_support import complete, make_course, user_id
from lms.extensions import db
from lms.testing import DEMO_EMAILS
from lms.timeutil import utcnow


class SmtpSink:
    """Speaks just enough SMTP (RFC 5321, no TLS) to accept messages and keep them."""

    def __init__(self):
        self.messages = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as incoming:
                connection.sendall(b"220 sink ESMTP\r\n")
                recipients, data = [], None
                for line in incoming:
                    command = line.decode("ascii", "replace").strip().upper()
                    if data is not None:
                        if line in (b".\r\n", b".\n"):
                            self.messages.append((recipients, b"".join(data)))
                            data = None
                            connection.sendall(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                    elif command.startswith(("EHLO", "HELO")):
                        connection.sendall(b"250 sink\r\n")
                    elif command.startswith("RCPT TO:"):
                        recipients.append(command[8:].strip("<> "))
                        connection.sendall(b"250 ok\r\n")
                    elif command == "DATA":
                        data = []
                        connection.sendall(b"354 go on\r\n")
                    elif command == "QUIT":
                        connection.sendall(b"221 bye\r\n")
                        break
                    else:
                        connection.sendall(b"250 ok\r\n")

    def close(self):
        self.server.close()


def test_reminder_is_mailed_in_the_learners_language(app_factory, demo):
    sink = SmtpSink()
    try:
        app = app_factory(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=sink.port, MAIL_SMTP_STARTTLS=False,
                          MAIL_FROM="training@agro.example")
        complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
        from lms.certificates.models import Certificate

        with app.app_context():
            db.session.execute(sa.update(Certificate).values(expires_at=utcnow() + dt.timedelta(days=5)))
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["certificates", "remind", "--days", "30"])
        assert result.exit_code == 0 and "Reminders sent: 1" in result.output
        assert len(sink.messages) == 1
        recipients, raw = sink.messages[0]
        assert recipients == [DEMO_EMAILS["learner"].upper()]
        message = message_from_bytes(raw, policy=policy.default)
        assert message["From"] == "training@agro.example"
        body = message.get_content()
        assert "Иван Петров" in body and "/verify/" in body
        again = app.test_cli_runner().invoke(args=["certificates", "remind", "--days", "30"])
        assert "Reminders sent: 0" in again.output and len(sink.messages) == 1
    finally:
        sink.close()

#!/usr/bin/python3
# A mail server for the console's mail tests (aiosmtpd, Debian's python3-aiosmtpd): SMTP on a
# free loopback port, printed as {"port": N} on stdout once it listens. Each message it accepts
# is read back with Python's own e-mail parser and stored in FOLDER as N.json (the envelope,
# the decoded headers, the text part) beside its attachments (N-<filename>); the JSON is
# renamed into place last, so a reader never sees half of one. A recipient whose local part
# starts with "refuse" is refused with 550, as a real server refuses an unknown mailbox.
# With CERT and KEY after FOLDER it offers STARTTLS with that certificate and takes no mail
# before it.
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refuse"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such mailbox" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = str(self.count)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        attachments = []
        for part in message.iter_attachments():
            name = part.get_filename()
            path = os.path.join(self.folder, n + "-" + name)
            with open(path, "wb") as f:
                f.write(part.get_content())
            attachments.append({"filename": name, "content_type": part.get_content_type(),
                                "path": path})
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "to_address": message["To"].addresses[0].addr_spec,
            "to_name": message["To"].addresses[0].display_name,
            "subject": str(message["Subject"]),
            "date": str(message["Date"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "defects": [type(d).__name__ for d in message.defects],
            "text": text.get_content() if text is not None else None,
            "attachments": attachments,
        }
        with open(os.path.join(self.folder, n + ".json.tmp"), "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(os.path.join(self.folder, n + ".json.tmp"), os.path.join(self.folder, n + ".json"))
        return "250 Message accepted for delivery"


async def main():
    handler = Store(sys.argv[1])
    tls = {}
    if len(sys.argv) == 4:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        tls = {"tls_context": context, "require_starttls": True}
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="localhost", enable_SMTPUTF8=True, **tls),
        host="127.0.0.1", port=0)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    await server.serve_forever()


asyncio.run(main())

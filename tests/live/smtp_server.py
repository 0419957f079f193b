#!/usr/bin/python3
"""A real SMTP server for mailsim's live-mode tests, on 127.0.0.1 only.

aiosmtpd (Debian's python3-aiosmtpd) with STARTTLS and AUTH PLAIN/LOGIN on
one port, and implicit TLS (SMTPS) with a second certificate on another.
Each message received is written to OUT_DIR/<n>.eml exactly as it arrived.
Prints "ready" when both listen; stops when its standard input closes.

usage: smtp_server.py PORT CERT KEY SMTPS_PORT SMTPS_CERT SMTPS_KEY OUT_DIR
"""
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        with open(os.path.join(self.out_dir, f"{self.count}.eml"), "wb") as f:
            f.write(envelope.original_content)
        return "250 2.0.0 Ok: queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"bob" and auth_data.password == b"ketchup"
    return AuthResult(success=ok)


def context(cert, key):
    c = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    c.load_cert_chain(cert, key)
    return c


def main():
    port, cert, key, smtps_port, smtps_cert, smtps_key, out_dir = sys.argv[1:8]
    store = Store(out_dir)
    plain = Controller(store, hostname="127.0.0.1", port=int(port), tls_context=context(cert, key),
                       authenticator=authenticator, auth_require_tls=True, server_hostname="mx.test")
    smtps = Controller(store, hostname="127.0.0.1", port=int(smtps_port),
                       ssl_context=context(smtps_cert, smtps_key), server_hostname="mx.test")
    plain.start()
    smtps.start()
    print("ready", flush=True)
    sys.stdin.read()
    plain.stop()
    smtps.stop()


if __name__ == "__main__":
    main()

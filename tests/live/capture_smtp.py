#!/usr/bin/python3
"""A real SMTP session captured on loopback, for mailsim's import test.

Starts aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1, then tcpdump on
lo with a capture filter for that port only, then sends two messages with
Python's smtplib through a socket wrapper that records every byte the
client sent and read. Writes OUT_DIR/capture.pcap, OUT_DIR/sent, OUT_DIR/received
and OUT_DIR/client_port, and prints "ok".

When capturing is not permitted here (no tcpdump, no CAP_NET_RAW), prints
"SKIP: why" and exits 77.

usage: capture_smtp.py OUT_DIR
"""
import os
import select
import shutil
import smtplib
import socket
import subprocess
import sys
import time

from aiosmtpd.controller import Controller


class Store:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: queued"


class RecordingFile:
    def __init__(self, f, log):
        self.f, self.log = f, log

    def readline(self, limit=-1):
        line = self.f.readline(limit)
        self.log += line
        return line

    def close(self):
        self.f.close()


class RecordingSocket:
    """What smtplib's socket does, with a copy of each byte sent and read."""

    def __init__(self, sock):
        self.sock, self.sent, self.received = sock, bytearray(), bytearray()

    def sendall(self, data):
        self.sent += data
        return self.sock.sendall(data)

    def makefile(self, mode):
        return RecordingFile(self.sock.makefile(mode), self.received)

    def __getattr__(self, name):
        return getattr(self.sock, name)


class RecordingSMTP(smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        self.recorder = RecordingSocket(super()._get_socket(host, port, timeout))
        return self.recorder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skip(why):
    print("SKIP: " + why, flush=True)
    sys.exit(77)


def main():
    out = sys.argv[1]
    tcpdump = shutil.which("tcpdump") or "/usr/bin/tcpdump"
    if not os.path.exists(tcpdump):
        skip("tcpdump is not installed")
    port = free_port()
    server = Controller(Store(), hostname="127.0.0.1", port=port, server_hostname="mx.test")
    server.start()  # its own check connection comes before the capture starts
    pcap = os.path.join(out, "capture.pcap")
    td = subprocess.Popen([tcpdump, "-i", "lo", "--immediate-mode", "-U", "-Z", "root", "-s", "0", "-w", pcap, f"tcp port {port}"],
                          stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    ready, _, _ = select.select([td.stderr], [], [], 10)
    line = td.stderr.readline().decode(errors="replace") if ready else ""
    if "listening on" not in line:
        td.kill()
        server.stop()
        skip("tcpdump cannot capture on lo here: " + (line.strip() or "no answer in 10 s"))
    message = (
        "From: alice@crepes.fr\r\nTo: bob@mx.test\r\nSubject: captured\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        ".a line that starts with a dot\r\nHello Bob.\r\n--XX\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + ("QUJD" * 19 + "\r\n") * 40 + "--XX--\r\n")
    try:
        client = RecordingSMTP("127.0.0.1", port, local_hostname="client.test")
        client.ehlo()
        client.sendmail("alice@crepes.fr", ["bob@mx.test"], message)
        client.sendmail("alice@crepes.fr", ["bob@mx.test", "carol@mx.test"], message.replace("captured", "again"))
        client_port = client.sock.getsockname()[1]
        client.quit()
        time.sleep(1.0)  # the FINs reach the capture
    finally:
        td.send_signal(2)
        td.wait(10)
        server.stop()
    with open(os.path.join(out, "sent"), "wb") as f:
        f.write(client.recorder.sent)
    with open(os.path.join(out, "received"), "wb") as f:
        f.write(client.recorder.received)
    with open(os.path.join(out, "client_port"), "w") as f:
        f.write(str(client_port))
    print("ok", flush=True)


if __name__ == "__main__":
    main()

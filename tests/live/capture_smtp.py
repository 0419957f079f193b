#!/usr/bin/python3
"""A real SMTP session captured on loopback, for mailsim's import test.

Starts aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1, then tcpdump on
lo with a capture filter for that port only, then sends two messages with
Python's smtplib through a socket wrapper that records every byte the
client sent and read. A capture in which the kernel dropped packets
(tcpdump says so when it stops) is taken again, up to five times. Writes
OUT_DIR/capture.pcap, OUT_DIR/sent, OUT_DIR/received and
OUT_DIR/client_port, and prints "ok".

When capturing is not permitted here (no tcpdump, no CAP_NET_RAW), prints
"SKIP: why" and exits 77.

usage: capture_smtp.py OUT_DIR
"""
import os
import re
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


def capture_once(tcpdump, out):
    """One capture of the session. Returns (recorder, client port, packets the
    kernel dropped), or exits 77 when capturing is not permitted here."""
    port = free_port()
    server = Controller(Store(), hostname="127.0.0.1", port=port, server_hostname="mx.test")
    server.start()  # its own check connection comes before the capture starts
    pcap = os.path.join(out, "capture.pcap")
    # In immediate mode libpcap gives each packet a ring slot of the snapshot
    # length; with lo's 64 KiB MTU the default 2 MiB ring holds only a few
    # dozen packets, and a busy machine (ctest -j) overflows it. A 16 MiB ring
    # of 8 KiB slots holds thousands; this session's largest segment is 3.5 KB.
    td = subprocess.Popen([tcpdump, "-i", "lo", "--immediate-mode", "-U", "-Z", "root", "-B", "16384", "-s", "8192",
                           "-w", pcap, f"tcp port {port}"],
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
    # tcpdump's last words: "N packets dropped by kernel".
    summary = td.stderr.read().decode(errors="replace")
    match = re.search(r"(\d+) packets? dropped by kernel", summary)
    dropped = int(match.group(1)) if match else 0
    return client.recorder, client_port, dropped


def main():
    out = sys.argv[1]
    tcpdump = shutil.which("tcpdump") or "/usr/bin/tcpdump"
    if not os.path.exists(tcpdump):
        skip("tcpdump is not installed")
    # A packet the kernel dropped is missing from the file, and the importer
    # rightly shows a gap there; this test is about a whole capture, so a
    # capture with drops is taken again (and said so).
    for attempt in range(1, 6):
        recorder, client_port, dropped = capture_once(tcpdump, out)
        if dropped == 0:
            break
        print(f"attempt {attempt}: the kernel dropped {dropped} packets; capturing again", flush=True)
    else:
        print("the kernel dropped packets in 5 captures out of 5", flush=True)
        sys.exit(1)
    with open(os.path.join(out, "sent"), "wb") as f:
        f.write(recorder.sent)
    with open(os.path.join(out, "received"), "wb") as f:
        f.write(recorder.received)
    with open(os.path.join(out, "client_port"), "w") as f:
        f.write(str(client_port))
    print("ok", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Real clients against `mailsim serve`, on 127.0.0.1 only (issue 12).

    interop.py MAILSIM TMPDIR clients   Python smtplib (plain, STARTTLS, AUTH), curl smtp://,
                                        then poplib, imaplib (whole, one part, <partial>),
                                        curl pop3:// and imap://, and the webmail's raw view
    interop.py MAILSIM TMPDIR limits    each limit broken by a peer, a good session after it
    interop.py MAILSIM TMPDIR load      500 clients at once, a slow one and a long-line one

Prints what it checks; exits 1 at the first check that fails, naming it.
"""
import hashlib
import http.cookiejar
import imaplib
import json
import os
import poplib
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from email.message import EmailMessage

MAILSIM, TMP, WHAT = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


class Serve:
    """`mailsim serve` on free ports of 127.0.0.1, stopped by SIGTERM."""

    def __init__(self, *args, scenario=None):
        self.ready = os.path.join(TMP, "ready")
        self.trace = os.path.join(TMP, "trace.json")
        for f in (self.ready, self.trace):
            if os.path.exists(f):
                os.remove(f)
        cmd = [MAILSIM, "serve"] + ([scenario] if scenario else []) + [
            "--smtp", "0", "--pop3", "0", "--imap", "0", "--http", "0", "--imaps", "0",
            "--ready-file", self.ready, "--trace", self.trace, "--quiet"] + list(args)
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(TMP, "xdg"))
        self.log = open(os.path.join(TMP, "serve.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        for _ in range(200):
            if os.path.exists(self.ready):
                break
            if self.proc.poll() is not None:
                raise SystemExit("mailsim serve ended at once: " + open(self.log.name).read())
            time.sleep(0.05)
        self.port = {}
        for line in open(self.ready):
            name, port = line.split()
            self.port[name] = int(port)
        self.cafile = os.path.join(TMP, "xdg", "mailsim", "serve-cert.pem")
        self.ctx = ssl.create_default_context(cafile=self.cafile)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.log.close()
        check(code == 0, "mailsim serve stopped cleanly (exit %d)" % code)
        with open(self.trace, encoding="utf-8") as f:
            return json.load(f)


def message(subject, body, attachment=b"\x00\x01\x02binary" * 300):
    m = EmailMessage()
    m["From"] = "alice@crepes.fr"
    m["To"] = "bob@hamburger.edu"
    m["Subject"] = subject
    m.set_content(body)
    m.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="系统说明.pdf")
    return m.as_bytes(policy=m.policy.clone(linesep="\r\n"))


def pop3_all(s, ctx=None):
    p = poplib.POP3("127.0.0.1", s.port["pop3"], timeout=10)
    if ctx:
        p.stls(context=ctx)
    p.user("bob")
    p.pass_("secret")
    got = []
    for i in range(1, p.stat()[0] + 1):
        _, lines, _ = p.retr(i)
        got.append(b"\r\n".join(lines) + b"\r\n")
    p.quit()
    return got


def curl(*args):
    r = subprocess.run(["curl", "-sS", "--max-time", "20"] + list(args), capture_output=True)
    check(r.returncode == 0, "curl %s exits 0 (%s)" % (args[0], r.stderr.decode(errors="replace").strip()))
    return r.stdout


def clients():
    s = Serve()
    sent = [message("第一封 plain", "Hello Bob,\n系统 plain SMTP.\n"),
            message("第二封 STARTTLS", "Hello Bob,\n系统 over TLS.\n"),
            message("third by curl", "Hello Bob,\nsent by curl.\n")]
    first_connect = time.time()
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], sent[0])
    # RFC 6531: serve mode offers SMTPUTF8; a UTF-8 address is taken only after MAIL ... SMTPUTF8.
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.ehlo("student-pc")
        check(c.has_extn("smtputf8"), "EHLO offers SMTPUTF8")
        c.command_encoding = "utf-8"
        code, text = c.docmd("MAIL", "FROM:<张三@例子.中国> SMTPUTF8")
        check(code == 250, "MAIL FROM a UTF-8 address with SMTPUTF8 gets 250 (%d %r)" % (code, text))
        c.rset()
        c.command_encoding = "utf-8"  # rset() sets it back to ASCII
        code, text = c.docmd("MAIL", "FROM:<张三@例子.中国>")
        check(code == 553 and text.startswith(b"5.6.7"), "the same without SMTPUTF8 gets 553 5.6.7 (%d %r)" % (code, text))
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.ehlo("student-pc")
        check(c.has_extn("starttls"), "EHLO offers STARTTLS")
        check(not c.has_extn("auth"), "AUTH is not offered before TLS")
        code, text = c.docmd("AUTH", "PLAIN AGJvYgBzZWNyZXQ=")
        check(code == 530, "AUTH before TLS gets 530 (%d %r)" % (code, text))
        c.starttls(context=s.ctx)
        c.ehlo("student-pc")
        check(not c.has_extn("starttls"), "after the handshake EHLO no longer offers STARTTLS")
        check(c.esmtp_features.get("auth", "").split() == ["PLAIN", "LOGIN"], "after the handshake EHLO offers AUTH PLAIN LOGIN")
        try:
            c.login("bob", "wrong")
            check(False, "a wrong password is refused")
        except smtplib.SMTPAuthenticationError as e:
            check(e.smtp_code == 535, "a wrong password gets 535 (%d)" % e.smtp_code)
        code, _ = c.login("bob", "secret")
        check(code == 235, "smtplib's login (AUTH PLAIN) gets 235")
        c.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], sent[1])
    # RFC 4954 with port 25's relay rule: mail for another domain only from a user logged in.
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.ehlo("student-pc")
        c.mail("bob@hamburger.edu")
        code, text = c.rcpt("alice@crepes.fr")
        check(code == 554, "RCPT for another domain without a login gets 554, no open relay (%d %r)" % (code, text))
        c.rset()
        c.starttls(context=s.ctx)
        c.ehlo("student-pc")
        c.user, c.password = "bob@hamburger.edu", "secret"
        code, _ = c.auth("LOGIN", c.auth_login, initial_response_ok=False)
        check(code == 235, "AUTH LOGIN, user and password each after a 334, gets 235")
        c.mail("bob@hamburger.edu")
        code, text = c.rcpt("alice@crepes.fr")
        check(code == 250 and b"will relay" in text, "logged in, the same RCPT is taken for relaying (%d %r)" % (code, text))
    # PLAIN's answer after its empty 334; LOGIN's two answers sent without waiting for the 334s.
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.starttls(context=s.ctx)
        c.ehlo("student-pc")
        code, text = c.docmd("AUTH", "PLAIN")
        check(code == 334 and text == b"", "AUTH PLAIN without a response gets an empty 334 (%d %r)" % (code, text))
        code, text = c.docmd("AGJvYgBzZWNyZXQ=")
        check(code == 235, "the response on a line of its own gets 235 (%d %r)" % (code, text))
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        c.starttls(context=s.ctx)
        c.ehlo("student-pc")
        c.send(b"AUTH LOGIN\r\nYm9i\r\nc2VjcmV0\r\n")
        codes = [c.getreply()[0] for _ in range(3)]
        check(codes == [334, 334, 235], "AUTH LOGIN with its answers in one write: 334, 334, 235 (%r)" % codes)
    eml = os.path.join(TMP, "third.eml")
    with open(eml, "wb") as f:
        f.write(sent[2])
    curl("smtp://127.0.0.1:%d" % s.port["smtp"], "--mail-from", "alice@crepes.fr",
         "--mail-rcpt", "bob@hamburger.edu", "-T", eml)

    by_pop3 = pop3_all(s, s.ctx)
    check(len(by_pop3) == 3, "POP3 (after STLS) lists the 3 messages sent in")
    for i, (got, raw) in enumerate(zip(by_pop3, sent)):
        head = got[: len(got) - len(raw)]
        check(got.endswith(raw) and head.startswith(b"Return-Path: <alice@crepes.fr>\r\n") and b"Received: " in head,
              "message %d by POP3 RETR: the bytes sent in, after the Return-Path and Received the server added" % (i + 1))
        with_ = [b"with ESMTP id", b"with ESMTPSA id", b"with ESMTP id"][i]
        check(with_ in head, "message %d's Received says %r (RFC 3848)" % (i + 1, with_))
    m = imaplib.IMAP4_SSL("127.0.0.1", s.port["imaps"], ssl_context=s.ctx, timeout=10)
    m.login("bob", "secret")
    m.select("INBOX")
    for i, want in enumerate(by_pop3, 1):
        typ, d = m.fetch(str(i), "(BODY.PEEK[])")
        check(typ == "OK" and d[0][1] == want, "message %d by IMAP (implicit TLS) FETCH BODY[] = by POP3" % i)
        part = want.split(b"\r\n\r\n", 1)[1]
        boundary = part.split(b"\r\n", 1)[0]
        attachment = part.split(boundary)[2].split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n")
        typ, d = m.fetch(str(i), "(BODY.PEEK[2])")
        check(typ == "OK" and d[0][1].rstrip(b"\r\n") == attachment, "message %d: BODY[2] is the attachment's base64" % i)
        typ, d = m.fetch(str(i), "(BODY.PEEK[]<100.200>)")
        check(typ == "OK" and d[0][1] == want[100:300], "message %d: BODY[]<100.200> is octets 100-299" % i)
    m.logout()
    got = curl("pop3://bob:secret@127.0.0.1:%d/2" % s.port["pop3"])
    check(got == by_pop3[1], "curl pop3:// RETR 2 = poplib's (%d bytes)" % len(got))
    got = curl("imap://bob:secret@127.0.0.1:%d/INBOX;UID=3" % s.port["imap"])
    check(got == by_pop3[2], "curl imap:// FETCH UID 3 = poplib's (%d bytes)" % len(got))
    jar = http.cookiejar.CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = "http://127.0.0.1:%d" % s.port["http"]
    web.open(base + "/login", data=b"user=bob&password=secret", timeout=10).read()
    inbox = json.loads(web.open(base + "/api/inbox", timeout=10).read())
    ids = [m["id"] for m in inbox["messages"]]
    check(len(ids) == 3, "the webmail's inbox lists 3 messages")
    raws = sorted(web.open(base + "/message/%s/raw" % i, timeout=10).read() for i in ids)
    check(raws == sorted(by_pop3), "the webmail's raw views = the messages by POP3")

    trace = s.stop()
    events = trace["events"]
    check(trace["source"]["kind"] == "serve" and trace["source"]["clock"] == "wall", "the trace is a serve session, wall clock")
    hs = [e for e in events if e.get("key") == "serve.tls.handshake"]
    check(len(hs) >= 3, "the trace has a TLS handshake event for STARTTLS, STLS and IMAPS (%d)" % len(hs))
    texts = [e for e in events if e.get("key") == "smtp.message"]
    check(len(texts) == 3, "the trace shows the 3 DATA texts as messages")
    passes = [e for e in events if e.get("verb") == "PASS"]
    check(passes and all(e["bytes"] == "PASS [redacted]\r\n" and e.get("detail", {}).get("redacted") for e in passes),
          "POP3 PASS is recorded as [redacted] (%d)" % len(passes))
    auths = [e for e in events if e.get("verb") == "AUTH"]
    check(len(auths) >= 2 and all(e["bytes"].endswith(" [redacted]\r\n") for e in auths if len(e["bytes"].split()) > 2),
          "SMTP AUTH lines are recorded with the response [redacted] (%d)" % len(auths))
    check(not [e for e in events if
               any(x.lower() in e.get("bytes", "").lower() for x in ("secret", "c2VjcmV0", "AGJvYgBzZWNyZXQ=", "d3Jvbmc="))],
          "no password in clear or in base64 in anything recorded, either way, in any case")
    check(not [e for e in events if e.get("key") == "agent.http.secret_from_seed"],
          "the webmail's cookies are signed with a random secret, not the seed's")
    # The trace's wall clock is the time of day: start_epoch + t, not up to a second behind it.
    at = trace["source"]["start_epoch"] + [e for e in events if e.get("kind") == "connect"][0]["t"] / 1e6
    check(first_connect - 0.05 <= at <= first_connect + 5,
          "the first connection's time in the trace is when it was made (%.3f s after)" % (at - first_connect))
    conns = {e["conn"] for e in events if e.get("kind") == "connect"}
    check(len(conns) >= 8, "the trace has every connection (%d)" % len(conns))


def limits_scenario():
    out = subprocess.run([MAILSIM, "run", "--print-scenario"], capture_output=True, check=True).stdout
    sc = json.loads(out)
    for srv in sc["servers"]:
        if srv["domain"] == "hamburger.edu":
            srv.setdefault("settings", {}).update({"message_size_limit": 20000, "recipient_limit": 3,
                                                   "commands_before_transaction_limit": 12,
                                                   "imap_literal_limit": 5000})
    sc["faults"] = [f for f in sc.get("faults", []) if f.get("host") != "mail.hamburger.edu"]
    path = os.path.join(TMP, "limits.json")
    with open(path, "w") as f:
        json.dump(sc, f)
    return path


class Raw:
    """A client that writes bytes as they are and reads replies line by line."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            got = self.sock.recv(65536)
            if not got:
                got_all, self.buf = self.buf, b""
                return got_all
            self.buf += got
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):  # a whole SMTP reply, its last line
        while True:
            line = self.line()
            if len(line) < 4 or line[3:4] != b"-":
                return line

    def closed(self):
        try:
            return self.sock.recv(1) == b""
        except OSError:
            return True


def small_window_client(port):
    """A socket whose receive buffer is 4 KiB: what it does not read waits in the server."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


def many_replies(rounds, ehlos):
    """Commands whose answers are large: EHLO's is 186 bytes. A MAIL and RSET
    after every `ehlos` EHLOs keep under the limit of commands before a
    transaction."""
    return (b"EHLO x\r\n" * ehlos + b"MAIL FROM:<alice@crepes.fr>\r\nRSET\r\n") * rounds


def good_session(s, what):
    with smtplib.SMTP("127.0.0.1", s.port["smtp"], timeout=10) as c:
        t = time.time()
        c.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], message("ok after " + what, "fine\n", b"x"))
        check(time.time() - t < 2, "a good session after %s completes (%.2f s)" % (what, time.time() - t))


def limits():
    s = Serve("--idle-timeout", "2", "--max-per-address", "4", scenario=limits_scenario())

    r = Raw(s.port["smtp"])
    r.reply()
    r.send(b"EHLO " + b"a" * 2000 + b"\r\n")
    check(b"500" == r.reply()[:3], "a 2,000-octet command line gets 500 Line too long")
    r.send(b"NOOP\r\n")
    check(r.reply().startswith(b"250"), "the same session goes on (NOOP 250)")
    good_session(s, "an over-long command line")

    r.send(b"EHLO x\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n")
    for _ in range(4):
        r.reply()
    r.send((b"X" * 70 + b"\r\n") * 400 + b".\r\n")
    check(r.reply().startswith(b"552"), "a 28,800-byte message against message_size_limit 20000 gets 552")
    good_session(s, "a message over the size limit")

    r.send(b"MAIL FROM:<alice@crepes.fr>\r\n")
    r.reply()
    codes = []
    for i in range(4):
        r.send(b"RCPT TO:<bob@hamburger.edu>\r\n")
        codes.append(r.reply()[:3])
    check(codes == [b"250"] * 3 + [b"452"], "recipient_limit 3: the 4th RCPT gets 452 (%s)" % codes)
    r.send(b"RSET\r\n")
    r.reply()
    good_session(s, "too many recipients")

    for i in range(12):
        r.send(b"NOOP\r\n")
        last = r.reply()
    check(last.startswith(b"421") and r.closed(),
          "commands_before_transaction_limit 12: NOOPs without MAIL end in 421 and a close")
    good_session(s, "too many commands before a transaction")

    r = Raw(s.port["smtp"])
    r.reply()
    r.send(b"A" * 100000)
    last = r.line()
    check(last.startswith(b"500") or last.startswith(b"421"), "100,000 bytes without a line end: an error (%s)" % last[:40])
    good_session(s, "100,000 bytes without a line end")

    r = Raw(s.port["smtp"])
    r.reply()
    r.send(b"EHLO x\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n")
    for _ in range(4):
        r.reply()
    r.send(b"Subject: smuggling\r\n\r\nbefore\n.\nMAIL FROM:<mallory@evil.example>\r\n"
           b"x\r\n.\nRCPT TO:<bob@hamburger.edu>\r\ny\n.\r\nDATA\r\nend\r\n.\r\n")
    check(r.reply().startswith(b"250"), "bare LF, <CR><LF>.<LF> and <LF>.<CR><LF> do not end DATA: one 250 at <CRLF>.<CRLF>")
    r.send(b"QUIT\r\n")
    r.reply()

    r = Raw(s.port["smtp"])
    r.reply()
    r.send(b"EHLO x\r\n")
    r.reply()
    r.send(b"STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
    check(r.reply().startswith(b"220"), "STARTTLS gets 220")
    tls = s.ctx.wrap_socket(r.sock, server_hostname="localhost")
    r.sock, r.buf = tls, b""
    r.send(b"EHLO x\r\n")
    first = r.line()
    check(first.startswith(b"250-"), "after the handshake the first reply is EHLO's: the injected MAIL was discarded")
    r.reply()
    r.send(b"RCPT TO:<bob@hamburger.edu>\r\n")
    check(r.reply().startswith(b"503"), "RCPT after TLS gets 503: no MAIL from before the handshake counts")
    r.send(b"QUIT\r\n")

    m = imaplib.IMAP4("127.0.0.1", s.port["imap"], timeout=10)
    m.login("bob", "secret")
    try:
        typ, _ = m.append("INBOX", None, None, b"Subject: big\r\n\r\n" + b"y" * 6000)
    except imaplib.IMAP4.error as e:
        typ = "BAD " + str(e)
    check(typ != "OK", "an APPEND literal of 6,016 octets against imap_literal_limit 5000 is refused (%s)" % typ[:60])
    m.logout()
    good_session(s, "an over-large IMAP literal")

    time.sleep(0.3)  # the sessions above have closed
    held = []
    for _ in range(5):
        held.append(Raw(s.port["smtp"]))
        first = held[-1].line()
        if not first.startswith(b"220"):
            break
    check(len(held) == 5 and first.startswith(b"421") and b"too many connections from" in first,
          "--max-per-address 4: the 5th connection at once gets 421 (%s)" % first[:60])
    for h in held:
        h.sock.close()
    time.sleep(0.3)

    slow = Raw(s.port["smtp"])
    slow.reply()
    t = time.time()
    for ch in b"NOOP\r\n":
        slow.send(bytes([ch]))
        time.sleep(0.1)
    check(slow.reply().startswith(b"250"), "a slow client's NOOP, one byte at a time, gets 250")
    good_session(s, "a slow client")
    idle = Raw(s.port["smtp"])
    idle.reply()
    t = time.time()
    last = idle.line()
    check(last.startswith(b"421") and b"idle" in last and 1.5 < time.time() - t < 6,
          "--idle-timeout 2: a silent client gets 421 after %.1f s" % (time.time() - t))
    good_session(s, "an idle client")

    # A client that asks for 6 MB of replies and QUIT, and then reads
    # nothing: the server has closed its side, and after the idle time it
    # gives up the replies (a reset), not holding them and a slot for ever.
    stuck = small_window_client(s.port["smtp"])
    stuck.sendall(many_replies(4000, 8) + b"QUIT\r\n")  # (8 EHLOs: this server's limit is 12)
    # Nothing read: the idle time (2 s) for the 421 after QUIT's answer, the
    # idle time again for the client to take it, and the time to work
    # through the commands (slower under ASan).
    time.sleep(9)
    stuck.settimeout(10)
    got, ended = b"", "nothing"
    try:
        while len(got) < 8000000:
            d = stuck.recv(65536)
            if not d:
                ended = "a close"
                break
            got += d
    except ConnectionResetError:
        ended = "a reset"
    except socket.timeout:
        ended = "a time-out (the server still holds it)"
    check(ended == "a reset" and 0 < len(got) < 1000000 and b"421" not in got,
          "a client that stops reading after QUIT is given up after the idle time: %s after %d bytes of 6 MB of 250s"
          % (ended, len(got)))
    stuck.close()
    good_session(s, "a client given up after QUIT")

    # A client that reads a long answer slowly (134 KB, 6 KB a quarter
    # second: the kernel holds it, the server has written it all) is not idle.
    slow = small_window_client(s.port["smtp"])
    slow.sendall(many_replies(100, 8))
    got, t, took = b"", time.time(), 0
    slow.settimeout(10)
    try:
        while got.count(b"250 2.0.0") < 100 and time.time() - t < 30:  # the last RSET's answer
            got += slow.recv(16384)
            time.sleep(0.25)
        took = time.time() - t
        slow.sendall(b"QUIT\r\n")
        while not got.endswith(b"channel\r\n") and time.time() - t < 40:
            d = slow.recv(16384)
            if not d:
                break
            got += d
    except OSError as e:  # a reset, a time-out: the check below names what came
        got += b" [" + repr(e).encode() + b"]"
    check(took > 3 and b"421" not in got and got.endswith(b"channel\r\n"),
          "a client reading %d bytes of answers slowly for %.1f s (idle time 2 s) is not cut off: QUIT gets 221" % (len(got), took))
    slow.close()

    smuggled = [m for m in pop3_all(s) if b"Subject: smuggling" in m]
    check(len(smuggled) == 1 and b"MAIL FROM:<mallory@evil.example>" in smuggled[0],
          "the smuggling attempt is one message holding its fake commands as text")
    trace = s.stop()
    keys = [e.get("key") for e in trace["events"]]
    for k in ("serve.limit.idle", "serve.limit.per_address", "serve.tls.discarded", "serve.tls.handshake"):
        check(k in keys, "the trace notes " + k)


def load():
    s = Serve("--max-per-address", "1000", "--max-connections", "1000")
    n = 500
    slow = Raw(s.port["smtp"])
    slow.reply()
    longline = Raw(s.port["smtp"])
    longline.reply()
    longline.send(b"X" * 30000)
    socks = []
    for i in range(n):
        socks.append(Raw(s.port["smtp"]))
    check(all(r.reply().startswith(b"220") for r in socks), "%d clients connected at once, each greeted" % n)
    bodies = {}
    errors = []

    def one(i, r):
        try:
            body = b"message %d %s\r\n" % (i, hashlib.sha256(b"%d" % i).hexdigest().encode())
            bodies[i] = body
            r.send(b"EHLO c%d\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n" % i)
            codes = [r.reply()[:3] for _ in range(4)]
            r.send(b"Subject: load %d\r\n\r\n" % i + body + b".\r\n")
            codes.append(r.reply()[:3])
            slow.send(b"N"[:1]) if i % 100 == 0 else None
            r.send(b"QUIT\r\n")
            codes.append(r.reply()[:3])
            if codes != [b"250", b"250", b"250", b"354", b"250", b"221"]:
                errors.append((i, codes))
        except Exception as e:  # noqa: BLE001 - any failure is counted
            errors.append((i, repr(e)))

    t = time.time()
    threads = [threading.Thread(target=one, args=(i, r)) for i, r in enumerate(socks)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.time() - t
    check(not errors, "all %d transactions completed in %.2f s, with a slow client and a 30,000-byte unended line open (%s)"
          % (n, took, errors[:3]))
    got = pop3_all(s)
    mine = [m for m in got if b"Subject: load " in m]
    check(len(mine) == n, "POP3 holds %d load messages (%d)" % (n, len(mine)))
    want = hashlib.sha256(b"".join(sorted(bodies.values()))).hexdigest()
    have = hashlib.sha256(b"".join(sorted(m.split(b"\r\n\r\n", 1)[1] for m in mine))).hexdigest()
    check(want == have, "the bodies' checksum matches what was sent: " + want[:16])
    gone_client_that_does_not_read(s)
    s.stop()


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gone_client_that_does_not_read(s):
    # A client that asks for 6 MB of replies, says it has no more to send
    # (shutdown: EOF at the server) and reads none of them: the server
    # keeps its replies until the client takes them or the idle time-out,
    # and waiting for that costs it nothing (a socket at EOF is always
    # "readable": asked about it, epoll would wake the server at once, every
    # time).
    r = small_window_client(s.port["smtp"])
    r.sendall(many_replies(450, 90))
    r.shutdown(socket.SHUT_WR)
    # The server works through the commands (and records them) for a while:
    # measured once it has had half a second with little to do, or after 60 s.
    until = time.time() + 60
    while time.time() < until:
        before = cpu_seconds(s.proc.pid)
        time.sleep(0.5)
        if cpu_seconds(s.proc.pid) - before < 0.05:
            break
    before = cpu_seconds(s.proc.pid)
    time.sleep(2.0)
    used = cpu_seconds(s.proc.pid) - before
    check(used < 0.5, "a client gone quiet with 6 MB of replies unread costs the server %.2f s of CPU in 2 s" % used)
    good_session(s, "a client gone quiet with its replies unread")
    r.close()


{"clients": clients, "limits": limits, "load": load}[WHAT]()
print("all checks passed")

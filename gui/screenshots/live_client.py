#!/usr/bin/python3
"""The real client of gui/screenshots/live.txt: waits for the GUI's serve
session on 127.0.0.1, sends a message, reads it back, opens the webmail."""
import poplib
import smtplib
import socket
import time
import urllib.request
from email.message import EmailMessage

for _ in range(200):  # the GUI starts serving on its first frames
    try:
        socket.create_connection(("127.0.0.1", 52525), timeout=1).close()
        break
    except OSError:
        time.sleep(0.1)
m = EmailMessage()
m["From"] = "alice@crepes.fr"
m["To"] = "bob@hamburger.edu"
m["Subject"] = "实时 serve"
m.set_content("Hello from a real client\n")
m.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="系统说明.pdf")
with smtplib.SMTP("127.0.0.1", 52525) as s:
    s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], m.as_bytes())
p = poplib.POP3("127.0.0.1", 51110)
p.user("bob")
p.pass_("secret")
p.retr(1)
p.quit()
urllib.request.urlopen("http://127.0.0.1:58080/").read()

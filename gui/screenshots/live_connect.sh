#!/bin/sh
# The Live panel's "connect to a real server" screenshots: a lab CA made
# with openssl, aiosmtpd (tests/live/smtp_server.py: STARTTLS on
# 127.0.0.1:52587) trusting nothing else, and mailsim-gui under Xvfb running
# gui/screenshots/live-connect.txt against it. Run from the repository root:
#   sh gui/screenshots/live_connect.sh
set -e
d=/tmp/mailsim-live-connect-shot
rm -rf "$d"
mkdir -p "$d/out"
(
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj '/CN=mailsim lab CA'
    printf 'subjectAltName=DNS:localhost\n' > ext.cnf
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf
) > "$d/openssl.log" 2>&1
# The server stops when its standard input closes: a FIFO held open by fd 3.
mkfifo "$d/in"
/usr/bin/python3 tests/live/smtp_server.py 52587 "$d/server.crt" "$d/server.key" 52465 "$d/server.crt" "$d/server.key" \
    "$d/out" < "$d/in" > "$d/smtp.log" 2>&1 &
exec 3> "$d/in"
for i in $(seq 50); do grep -q ready "$d/smtp.log" && break; sleep 0.1; done
status=0
xvfb-run -a -s '-screen 0 1280x800x24' build/mailsim-gui --width 1280 --height 800 \
    --script @gui/screenshots/live-connect.txt || status=$?
exec 3>&-
wait
exit $status

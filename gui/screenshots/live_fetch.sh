#!/bin/sh
# The Live panel's "List and fetch mail" screenshots: mailsim serve (the
# default scenario, on free ports 52525 and 52110) takes a message from
# swaks with a Chinese subject and an attachment, then mailsim-gui under
# Xvfb runs gui/screenshots/live-fetch.txt: connect to the POP3 port as bob,
# fetch. Run from the repository root:
#   sh gui/screenshots/live_fetch.sh
set -e
d=/tmp/mailsim-live-fetch-shot
rm -rf "$d"
mkdir -p "$d"
printf '%%PDF-1.4 lecture notes\n' > "$d/notes.pdf"
build/mailsim serve --quiet --no-tls --smtp 52525 --pop3 52110 --imap 0 --http 0 --seconds 60 \
    --ready-file "$d/ready" > "$d/serve.log" 2>&1 &
serve=$!
for i in $(seq 50); do [ -s "$d/ready" ] && break; sleep 0.1; done
swaks --server 127.0.0.1:52525 --from alice@crepes.fr --to bob@hamburger.edu \
    --header 'Subject: 系统 lecture notes' --attach "$d/notes.pdf" > "$d/swaks.log" 2>&1
status=0
xvfb-run -a -s '-screen 0 1280x800x24' build/mailsim-gui --width 1280 --height 800 \
    --script @gui/screenshots/live-fetch.txt || status=$?
kill -INT $serve
wait
exit $status

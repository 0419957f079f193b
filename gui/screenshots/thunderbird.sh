#!/bin/bash
# thunderbird.sh — Thunderbird against `mailsim serve`, seen: its inbox
# (swaks's message, one pushed by IMAP IDLE, one it sent itself through the
# submission port and saved to Sent with APPEND) and the 550 that a
# teacher's reply override gives it. Makes thunderbird-inbox.png and
# thunderbird-550.png here, and the serve traces in $OUT (default: a new
# folder under /tmp; a given OUT must not exist yet).
#
#   gui/screenshots/thunderbird.sh [BUILD_DIR]
#
# Needs Debian's thunderbird, xvfb, xdotool, x11-apps (xwd), netpbm, swaks
# and python3. Everything stays on 127.0.0.1; the account is set up by a
# user.js (IMAP on 1143 and SMTP submission on 2587, no TLS: Thunderbird
# would ask about serve's own certificate in a dialog), the password typed
# into Thunderbird's prompt. Without TLS serve offers no SMTP AUTH, so
# Thunderbird sends without logging in (it logs in to IMAP). The "Send"
# button is clicked where it stands in its 418x137 confirmation dialog.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
if [ -n "${OUT:-}" ]; then
    [ ! -e "$OUT" ] || { echo "thunderbird.sh: $OUT exists; give a new folder" >&2; exit 2; }
    out=$OUT
else
    out=$(mktemp -d /tmp/tbshots.XXXXXX)
fi
mkdir -p "$out/profile"
export DISPLAY=:77
Xvfb :77 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
serve_pid= tb_pid=
stop() {  # PID: ends it and waits (serve writes its trace on the way out)
    if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() { stop "$tb_pid"; stop "$serve_pid"; stop "$xvfb"; }
trap cleanup EXIT
shot() {  # PNG [WINDOW]: the screen, or one window (a dialog: Xvfb has no compositor, the screen shows it black)
    if [ -n "${2:-}" ]; then xwd -id "$2"; else xwd -root; fi | xwdtopnm 2>/dev/null | pnmtopng > "$1"
}
win() { for _ in $(seq 60); do w=$(xdotool search --name "$1" 2>/dev/null | head -1) && [ -n "$w" ] && { echo "$w"; return; }; sleep 1; done; echo "no window \"$1\"" >&2; exit 1; }
serve() {  # SCENARIO TRACE
    "$build/mailsim" serve ${1:+"$1"} --smtp 2525 --submission 2587 --pop3 1110 --imap 1143 --http 8080 \
        --ready-file "$out/ready" --trace "$2" > "$2.log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 50); do [ -s "$out/ready" ] && break; sleep 0.1; done
    [ -s "$out/ready" ] || { echo "thunderbird.sh: mailsim serve did not start:" >&2; cat "$2.log" >&2; exit 1; }
    rm -f "$out/ready"
}
thunderbird_with() {  # COMPOSE-ARGUMENTS: starts, answers the password prompt, sends the message
    thunderbird -profile "$out/profile" --no-remote -compose "$1" > "$out/thunderbird.log" 2>&1 &
    tb_pid=$!
    w=$(win "Enter your password for bob"); xdotool type --window "$w" --delay 50 secret; xdotool key --window "$w" Return
    w=$(win "^Write: "); sleep 3; xdotool key --window "$w" ctrl+Return
    w=$(win "^Send Message$"); sleep 1
    eval "$(xdotool getwindowgeometry --shell "$w")"
    xdotool mousemove $((X + 355)) $((Y + 108)) click 1  # "Send" in "Are you sure you are ready to send?"
}
cat > "$out/profile/user.js" <<'PREFS'
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.accountmanager.localfoldersserver", "server2");
user_pref("mail.identity.id1.fullName", "Bob");
user_pref("mail.identity.id1.useremail", "bob@hamburger.edu");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.identity.id1.fcc_folder", "imap://bob@127.0.0.1/Sent");
user_pref("mail.server.server1.hostname", "127.0.0.1");
user_pref("mail.server.server1.port", 1143);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "bob");
user_pref("mail.server.server1.name", "bob@hamburger.edu");
user_pref("mail.server.server1.socketType", 0);
user_pref("mail.server.server1.authMethod", 3);
user_pref("mail.server.server1.login_at_startup", true);
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.userName", "nobody");
user_pref("mail.server.server2.name", "Local Folders");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "127.0.0.1");
user_pref("mail.smtpserver.smtp1.port", 2587);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
user_pref("mail.smtpserver.smtp1.authMethod", 3);
user_pref("mail.smtpserver.smtp1.username", "bob");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mail.provider.suppress_dialog_on_startup", true);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("app.update.disabledForTesting", true);
PREFS

# 1. The default scenario's server (without its scheduled 421, which would
#    refuse whoever connects in that minute): swaks sends, Thunderbird reads,
#    swaks sends again while Thunderbird IDLEs, Thunderbird sends to bob.
"$build/mailsim" run --print-scenario | python3 -c 'import json,sys; s=json.load(sys.stdin); s["faults"]=[]; json.dump(s,sys.stdout)' > "$out/quiet.json"
serve "$out/quiet.json" "$out/serve-thunderbird.json"
swaks --server 127.0.0.1:2525 --from alice@crepes.fr --to bob@hamburger.edu --h-Subject "你好 Bob, from swaks" --body "Hello Bob, 这是一封测试邮件。" >/dev/null
thunderbird_with "to='bob@hamburger.edu',subject='来自 Thunderbird 的问候',body='Hello from Thunderbird. 你好！'"
sleep 5
swaks --server 127.0.0.1:2525 --from carol@crepes.fr --to bob@hamburger.edu --h-Subject "第二封: pushed by IDLE" --body "IDLE" >/dev/null
sleep 6
shot "$out/inbox-full.png"
pngtopnm "$out/inbox-full.png" | pnmcut -left 0 -top 0 -width 1152 -height 800 | pnmtopng > "$here/thunderbird-inbox.png"
stop "$tb_pid"; tb_pid=; sleep 1
stop "$serve_pid"; serve_pid=

# 2. A teacher's override: RCPT for alice gets 550; Thunderbird says so.
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s.setdefault("overrides",[]).append({"server":"mail.hamburger.edu","command":"RCPT","match":"alice","reply":"550 5.1.1 <alice@crepes.fr>: teacher says no (550 practice)"}); json.dump(s,open(sys.argv[2],"w"))' "$out/quiet.json" "$out/550.json"
serve "$out/550.json" "$out/serve-thunderbird-550.json"
thunderbird_with "to='alice@crepes.fr',subject='550 test',body='Will the teacher let this through?'"
w=$(win "^Send Message Error$"); sleep 1
shot "$here/thunderbird-550.png" "$w"
stop "$tb_pid"; tb_pid=
stop "$serve_pid"; serve_pid=
echo "made $here/thunderbird-inbox.png and thunderbird-550.png; traces in $out"

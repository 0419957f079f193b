// default_scenario.cpp — the scenario `mailsim run` runs when given none.
//
// Kurose & Ross's example: alice@crepes.fr writes to bob@hamburger.edu.
// Mail 1 goes to bob and to nobody@hamburger.edu, who does not exist: bob
// gets it, nobody's RCPT gets 550 and alice gets a bounce. Mail 2 is sent
// while mail.hamburger.edu answers 421 at connect: it waits in
// mail.crepes.fr's queue and gets through at a later scan. At 3 minutes bob's
// user agent pulls his mail with POP3 (download-and-delete): SMTP pushed,
// POP3 pulls, and the mailbox is empty again.
//
// Then the other ways of reading: alice sends the slides (text, HTML and a
// PDF). Bob's laptop reads with IMAP (the mail stays on the server), fetching
// only the text part, and waits in IDLE; alice's next mail is announced to it
// at once. Bob's browser reads both through the webmail (HTTP: one response
// per page and per attachment). Bob's phone reads them with IMAP too, whole,
// and files them into INBOX/Courses/Networks.
#include "scenario/scenario.hpp"

namespace mailsim::scenario {

std::string_view default_scenario_json() {
    return R"JSON({
  "name": "default",
  "title": {
    "en": "Alice sends mail to Bob: one unknown recipient, one retry",
    "zh": "Alice 给 Bob 发邮件：一个收件人不存在，一封信要重试"
  },
  "seed": 1,
  "start": "2026-11-22T09:00:00Z",
  "latency": "20ms",
  "dns": { "host": "dns.isp.net" },
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr",
      "users": [ { "name": "alice", "display_name": "Alice" } ],
      "settings": { "queue_run_delay": "30s", "minimal_backoff_time": "45s",
                    "maximal_queue_lifetime": "1h" } },
    { "host": "mail.hamburger.edu", "domain": "hamburger.edu",
      "users": [ { "name": "bob", "display_name": "Bob" } ] }
  ],
  "agents": [
    { "host": "alice-pc", "user": "alice@crepes.fr", "name": "Alice", "server": "mail.crepes.fr" },
    { "host": "bob-pc", "user": "bob@hamburger.edu", "name": "Bob", "server": "mail.hamburger.edu" },
    { "host": "bob-laptop", "user": "bob@hamburger.edu", "name": "Bob", "server": "mail.hamburger.edu" },
    { "host": "bob-browser", "user": "bob@hamburger.edu", "name": "Bob", "server": "mail.hamburger.edu" },
    { "host": "bob-phone", "user": "bob@hamburger.edu", "name": "Bob", "server": "mail.hamburger.edu" }
  ],
  "links": [
    { "between": ["alice-pc", "mail.crepes.fr"], "latency": "2ms" },
    { "between": ["bob-pc", "mail.hamburger.edu"], "latency": "2ms" },
    { "between": ["bob-laptop", "mail.hamburger.edu"], "latency": "5ms" },
    { "between": ["bob-browser", "mail.hamburger.edu"], "latency": "5ms" },
    { "between": ["bob-phone", "mail.hamburger.edu"], "latency": "30ms" },
    { "between": ["mail.crepes.fr", "mail.hamburger.edu"], "latency": "40ms" },
    { "between": ["mail.crepes.fr", "dns.isp.net"], "latency": "10ms" }
  ],
  "mails": [
    { "at": "1s", "from": "alice@crepes.fr",
      "to": ["bob@hamburger.edu", "nobody@hamburger.edu"],
      "subject": "Do you like ketchup?",
      "body": "Do you like ketchup?\nHow about pickles?\n" },
    { "at": "40s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
      "subject": "Crepes tonight",
      "body": "Come over at eight.\n.\nA line with a single dot above: it travels dot-stuffed.\n" },
    { "at": "4m", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
      "subject": "Slides for Tuesday",
      "body": "Here are the slides for Tuesday's networking class.\n",
      "html": "<p>Here are the <b>slides</b> for Tuesday's networking class.</p>",
      "attachments": [ { "filename": "slides.pdf", "content_type": "application/pdf", "size": 6000 } ] },
    { "at": "6m30s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
      "subject": "Room change",
      "body": "Tuesday's class moves to room 204.\n" }
  ],
  "fetches": [
    { "at": "3m", "agent": "bob-pc", "protocol": "pop3", "mode": "delete" },
    { "at": "5m", "agent": "bob-laptop", "protocol": "imap", "partial": true, "idle": "3m" },
    { "at": "9m", "agent": "bob-browser", "protocol": "http" },
    { "at": "10m", "agent": "bob-phone", "protocol": "imap", "partial": false, "file_into": "INBOX/Courses/Networks" }
  ],
  "faults": [
    { "type": "greeting-421", "host": "mail.hamburger.edu", "from": "45s", "until": "75s" }
  ]
}
)JSON";
}

}  // namespace mailsim::scenario

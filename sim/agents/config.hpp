// config.hpp — what a scenario says about each mail server and user agent.
//
// Every limit is a named setting with a default and its RFC (STYLE.md #7);
// sim/scenario reads them by these names.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "message/builder.hpp"
#include "protocol/smtp/reply.hpp"
#include "protocol/smtp/server_session.hpp"

namespace mailsim::agents {

struct UserConfig {
    std::string name;              // local part: "bob"
    std::string display_name;      // "Bob Smith"
    bool busy = false;             // mailbox busy: RCPT gets 450 (RFC 5321 §4.2.2)
    std::string moved_to;          // gone, no forwarding: RCPT gets 551 "please try <moved_to>"
    std::string forward_to;        // forwarded: RCPT gets 251 "will forward to <forward_to>"
    bool terminal = false;         // logged in at a terminal: RFC 821 SEND can reach them
    std::uint64_t quota = 0;       // mailbox size limit in bytes, 0 = none: over it, 552 (RFC 5321 §4.2.2)
    std::string password = "secret";  // for POP3 (USER/PASS, APOP's shared secret)
};

// "Server X answers COMMAND (whose argument contains MATCH) with REPLY."
struct OverrideRule {
    std::string protocol = "smtp"; // "smtp", "pop3", "imap" or "http"
    std::string command;           // HELO EHLO MAIL RCPT DATA END-OF-DATA RSET ... or CONNECT; an HTTP method
    std::string match;             // case-insensitive substring of the argument (HTTP: the target); "" matches all
    smtp::Reply reply;             // for SMTP
    std::string response;          // POP3 "-ERR ..."; IMAP "NO ..." (the tag is the server's); HTTP "503 Service Unavailable"
    SimTime from = 0;
    SimTime until = std::numeric_limits<SimTime>::max();
    int times = 0;                 // how many times it applies, 0 = every time
    int used = 0;
};

struct QueueSettings {
    SimTime queue_run_delay = 60 * kSecond;         // Postfix queue_run_delay: time between queue scans
    SimTime minimal_backoff_time = 60 * kSecond;    // Postfix minimal_backoff_time: first retry delay
    SimTime maximal_backoff_time = 4000 * kSecond;  // Postfix maximal_backoff_time: retry delay cap
    SimTime maximal_queue_lifetime = 5 * kDay;      // RFC 5321 §4.5.4.1: give up after (4–5 days)
    std::vector<SimTime> retry_schedule;            // explicit delays, last one repeats; overrides backoff
    int max_hops = 25;                              // RFC 5321 §6.3: Received lines before "loop" (554)
    bool turn = false;                              // RFC 821: ask the receiver to TURN after sending
};

struct MailServerConfig {
    std::string host;              // "mail.hamburger.edu"
    std::string domain;            // "hamburger.edu": the mail domain it is the final stop for
    std::vector<UserConfig> users;
    std::map<std::string, std::vector<std::string>> lists;  // EXPN: "staff" → addresses
    smtp::ServerSettings smtp;
    QueueSettings queue;
    size_t imap_literal_limit = 16 * 1024 * 1024;  // the largest IMAP literal taken (APPEND's message)
    std::uint64_t storage_limit = 0;  // bytes in all mailboxes before MAIL gets 452 (RFC 5321 §4.2.2), 0 = none
    std::vector<OverrideRule> overrides;
};

struct UserAgentConfig {
    std::string host;              // "alice-pc"
    std::string address;           // "alice@crepes.fr"
    std::string display_name;      // "Alice"
    std::string server;            // host of the user's own mail server
    std::uint16_t port = 587;      // RFC 6409 submission
    SimTime retry = 60 * kSecond;  // a message the server could not take is tried again after
    std::string password = "secret";  // to read the user's mailbox (POP3)
};

// A user agent fetching the user's mail from the user's own server.
struct Retrieval {
    SimTime at = 0;
    std::string agent;             // host of the user agent
    std::string protocol = "pop3"; // "pop3" (port 110), "imap" (143) or "http" (80, webmail)
    // POP3
    bool keep = false;             // download-and-keep; otherwise download-and-delete
    bool apop = false;             // log in with APOP rather than USER/PASS
    // IMAP: mail stays on the server
    bool partial = true;           // ENVELOPE and BODYSTRUCTURE first, then only the text part
    std::string file_into;         // a folder to move what was read into ("INBOX/Courses"), created if missing
    SimTime idle = 0;              // then wait this long in IDLE (RFC 2177) for new mail
    // IMAP commands or HTTP requests ("GET /inbox") replacing the default plan
    std::vector<std::string> commands;
};

struct OutgoingMail {
    SimTime at = 0;
    std::string agent;             // host of the sending user agent
    std::vector<std::string> to, cc, bcc;
    std::string subject;
    std::string body;
    std::string html;              // with it, text and HTML go as multipart/alternative
    std::vector<message::Attachment> attachments;  // multipart/mixed (or `multipart`)
    std::string multipart = "mixed";               // mixed, parallel or digest
    smtp::MailMode mode = smtp::MailMode::mail;  // RFC 821 SEND/SOML/SAML
    std::vector<std::pair<std::string, std::string>> headers;  // extra header fields
    std::vector<std::string> commands;  // SMTP command lines sent before MAIL ("VRFY bob", "HELP")
};

}  // namespace mailsim::agents

// webmail.hpp — what a webmail shows: a stored message opened for the
// browser, and the HTML pages and JSON documents built from it.
//
// The lesson (Kurose & Ross ch. 2): SMTP carries a message with all its
// objects (the MIME parts) in one transfer, but HTTP carries one object per
// response. So the message page holds the decoded header fields and the
// text part, and only a reference to every other part: an inline image as
// <img src="/message/ID/part/2">, an attachment as <a href=".../part/3">.
// The browser asks for each one with another request.
//
// Part numbers are IMAP's section numbers (RFC 3501 §6.4.5): the parts of a
// multipart are 1, 2, 3…, the parts of a nested multipart 2.1, 2.2…; a
// message that is not multipart has one part, 1, its body.
//
// Header fields are decoded (RFC 2047 words) and every text converted to
// UTF-8 (the part's charset through iconv); all of it is escaped before it
// goes into HTML, since a subject may well hold "<script>". The page text is
// short English, as a real server would send; the explanations a student
// reads live in the string files.
//
// Not done here: rendering a text/html part inline (it is offered as an
// object, so the sender's HTML never runs in the page), nested
// message/rfc822 parts (served whole as one object), sorting, folders.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/mime.hpp"

namespace mailsim::http {

// One message in a user's inbox, as the backend keeps it.
struct InboxMessage {
    std::string id;                              // unique and stable; any bytes (percent-encoded in URLs)
    std::shared_ptr<const std::string> content;  // RFC 5322 message, CRLF lines
    std::int64_t arrived = 0;                    // epoch seconds
    bool seen = false;                           // \Seen: opened on some device
};

// A part the message page only refers to: one more request each.
struct ObjectRef {
    std::string number;        // "2", "1.2"
    std::string content_type;  // "image/png"
    std::string filename;      // decoded, UTF-8; may be empty
    bool image = false;        // shown with <img> (inline image) rather than <a> (attachment)
    size_t size = 0;           // decoded octets
};

struct OpenedMessage {
    message::Message mime;
    std::string from, to, cc, subject, date;  // UTF-8, RFC 2047 words decoded
    std::string text;                         // the text part, decoded to UTF-8
    std::string text_number;                  // its part number, or "" when there is none
    std::vector<ObjectRef> objects;
    size_t leaves = 0;                        // parts that are not multipart containers
};

OpenedMessage open_message(std::string raw);

// The part with IMAP section number `number`, or nullptr; a multipart
// container is not a part one can fetch.
const message::Part* find_part(const message::Part& root, std::string_view number);

// A text part's decoded body in UTF-8 (its charset converted; kept as it is
// when the charset is unknown to iconv or the bytes are bad).
std::string text_as_utf8(const message::Message& m, const message::Part& p);

// "&<>\"'" as character references.
std::string escape_html(std::string_view s);
// A path segment: unreserved characters kept, the rest %XX (RFC 3986 §2).
std::string percent_encode(std::string_view s);
// %XX undone (and '+' as a space in a form); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);
// application/x-www-form-urlencoded: name=value&name=value (WHATWG URL §5).
std::map<std::string, std::string> parse_form(std::string_view body);

struct InboxRow {
    std::string id, from, subject, date;
    size_t size = 0;
    bool seen = false;
    size_t parts = 0;
};
InboxRow inbox_row(const InboxMessage& m);

// The pages (HTML, UTF-8) and the API's documents (JSON, UTF-8).
std::string login_page(std::string_view error);
std::string inbox_page(std::string_view user, const std::vector<InboxRow>& rows);
std::string message_page(std::string_view id, const OpenedMessage& m);
std::string simple_page(int status, std::string_view reason, std::string_view text);
std::string inbox_json(std::string_view user, const std::vector<InboxRow>& rows);
std::string message_json(std::string_view id, const OpenedMessage& m);

}  // namespace mailsim::http

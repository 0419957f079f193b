// fetch.hpp — FETCH: which data items a client asked for, and the data of
// one message written as IMAP sends it. RFC 3501 §6.4.5 (FETCH), §7.4.2
// (the FETCH response: ENVELOPE, BODYSTRUCTURE, BODY[section]<origin>).
//
// ENVELOPE and BODYSTRUCTURE are computed from the message with the
// project's MIME parser (sim/message/mime.hpp): types, parameters, sizes
// and line counts come from the parts' byte spans. Strings are written as
// quoted strings when they can be, otherwise as literals; absent ones as NIL.
// Section data (BODY[...], RFC822...) is always a literal "{n}", so that a
// partial fetch shows on the wire how many octets it carries.
//
// Part numbers follow §6.4.5: the body of a non-multipart message is part
// 1; a message/rfc822 part's own parts are numbered below it (2.1, 2.2).
//
// Not done here: BINARY (RFC 3516), MODSEQ (RFC 7162), decoding of RFC 2047
// words in ENVELOPE (IMAP sends them as they are, as the RFC says).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "message/mime.hpp"
#include "protocol/imap/parser.hpp"

namespace mailsim::imap {

struct FetchItem {
    enum class Kind { uid, flags, internaldate, rfc822_size, rfc822, rfc822_header, rfc822_text, envelope,
                      body, bodystructure, section };
    Kind kind = Kind::uid;
    bool peek = false;                    // BODY.PEEK[...]: \Seen stays as it is
    std::vector<std::uint32_t> part;      // section-part: 1.2.3
    std::string text;                     // "", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"
    std::vector<std::string> fields;      // HEADER.FIELDS (...), upper-cased
    std::optional<std::uint32_t> origin;  // <origin.count>
    std::uint32_t count = 0;
    bool sets_seen() const;
    static FetchItem of(Kind k) {
        FetchItem it;
        it.kind = k;
        return it;
    }
};

// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
// Reads from after the sequence set's SP to the end; nullopt (and `error`) on bad syntax.
std::optional<std::vector<FetchItem>> parse_fetch_items(Args& a, std::string* error);

// What one message offers to FETCH.
struct FetchSource {
    std::uint32_t uid = 0;
    const std::set<std::string>* flags = nullptr;  // with \Recent when this session holds it
    std::int64_t internaldate = 0;
    const std::string* content = nullptr;
};

// The parenthesized list of a FETCH response, "(UID 4 FLAGS (\Seen) BODY[1]<0> {100}\r\n...)".
// `octets` receives how many section octets it carries.
std::string fetch_data(const FetchSource& src, const std::vector<FetchItem>& items, size_t* octets = nullptr);

// The parts of the response on their own (used by fetch_data; tested alone).
std::string envelope(const message::Message& m, const message::Part& root);
std::string body_structure(const message::Message& m, const message::Part& part, bool extensible);
// A section's octets, or nullopt when the part does not exist.
std::optional<std::string> section_octets(const message::Message& m, const FetchItem& item);

}  // namespace mailsim::imap

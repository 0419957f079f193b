// search.hpp — SEARCH criteria: parsed into a tree of keys, then tested
// against each message of the selected folder. RFC 3501 §6.4.4.
//
// Keys side by side are ANDed; OR takes two keys, NOT one, parentheses
// group. String keys (FROM, TO, CC, BCC, SUBJECT, HEADER, BODY, TEXT) match
// a case-insensitive substring of the raw header value or text, as the RFC
// allows; encoded words and transfer encodings are not undone. Dates
// (BEFORE, ON, SINCE) compare the internal date's day, in UTC.
//
// Not done here: SENTBEFORE / SENTON / SENTSINCE (they need the Date
// field's date; they are refused with BAD), charsets other than US-ASCII
// and UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/imap/mail_store.hpp"
#include "protocol/imap/parser.hpp"

namespace mailsim::imap {

struct SearchKey {
    enum class Op { all, and_, or_, not_, flag, no_flag, is_new, old, recent, header, body, text, larger, smaller,
                    uid, seq, before, on, since };
    Op op = Op::all;
    std::string name;         // flag name, or header field name
    std::string value;        // the string sought
    std::int64_t number = 0;  // size, or days since the epoch
    SequenceSet set;
    std::vector<SearchKey> keys;  // and_, or_, not_
};

// search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
// Reads from after "SEARCH " to the end; nullopt (and `error`) on bad syntax.
std::optional<SearchKey> parse_search(Args& a, std::string* error);

struct SearchTarget {
    std::uint32_t seq = 0, uid = 0;
    std::uint32_t max_seq = 0, max_uid = 0;  // what "*" means
    bool recent = false;
    const StoredMessage* message = nullptr;
};

bool search_matches(const SearchKey& key, const SearchTarget& target);

}  // namespace mailsim::imap

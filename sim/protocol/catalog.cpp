// catalog.cpp — lookups over every protocol's rows.
#include "protocol/catalog.hpp"

#include "core/ascii.hpp"

#include <cctype>
#include <vector>

namespace mailsim::catalog {

std::span<const CommandRow> smtp_command_rows();
std::span<const ReplyRow> smtp_reply_rows();
std::span<const CommandRow> pop3_command_rows();
std::span<const ReplyRow> pop3_reply_rows();
std::span<const CommandRow> imap_command_rows();
std::span<const ReplyRow> imap_reply_rows();
std::span<const CommandRow> http_command_rows();
std::span<const ReplyRow> http_reply_rows();

namespace {

template <class Row>
std::vector<Row> join(std::initializer_list<std::span<const Row>> parts) {
    std::vector<Row> all;
    for (auto p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
}

}  // namespace

std::span<const CommandRow> commands() {
    static const std::vector<CommandRow> all = join<CommandRow>({smtp_command_rows(), pop3_command_rows(), imap_command_rows(), http_command_rows()});
    return all;
}

std::span<const ReplyRow> replies() {
    static const std::vector<ReplyRow> all = join<ReplyRow>({smtp_reply_rows(), pop3_reply_rows(), imap_reply_rows(), http_reply_rows()});
    return all;
}

const CommandRow* find_command(std::string_view protocol, std::string_view verb) {
    // Indexed once: engines ask for every command they send. Same answer as
    // the scan "first row with this protocol and iequals(verb)".
    static const NameIndex<CommandRow> index = [] {
        NameIndex<CommandRow> ix;
        for (const auto& r : commands()) ix.add(r.protocol, r.verb, &r);
        return ix;
    }();
    return index.find(protocol, verb);
}

const ReplyRow* find_reply(std::string_view protocol, std::string_view code) {
    // As find_command: the first row with this protocol and iequals(code).
    static const NameIndex<ReplyRow> index = [] {
        NameIndex<ReplyRow> ix;
        for (const auto& r : replies()) ix.add(r.protocol, r.code, &r);
        return ix;
    }();
    return index.find(protocol, code);
}

ReplyClass reply_class(std::string_view protocol, std::string_view code) {
    if (const ReplyRow* row = find_reply(protocol, code)) return row->cls;
    if ((protocol != "smtp" && protocol != "http") || code.empty()) return ReplyClass::none;
    switch (code[0]) {  // "299", or the class verb an HTTP status outside the catalog gets ("4xx")
    case '1': return ReplyClass::preliminary;
    case '2': return ReplyClass::completion;
    case '3': return ReplyClass::intermediate;
    case '4': return ReplyClass::transient;
    case '5': return ReplyClass::permanent;
    default: return ReplyClass::none;
    }
}

}  // namespace mailsim::catalog

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

namespace {

template <class Row>
std::vector<Row> join(std::initializer_list<std::span<const Row>> parts) {
    std::vector<Row> all;
    for (auto p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
}

}  // namespace

std::span<const CommandRow> commands() {
    static const std::vector<CommandRow> all = join<CommandRow>({smtp_command_rows(), pop3_command_rows()});
    return all;
}

std::span<const ReplyRow> replies() {
    static const std::vector<ReplyRow> all = join<ReplyRow>({smtp_reply_rows(), pop3_reply_rows()});
    return all;
}

const CommandRow* find_command(std::string_view protocol, std::string_view verb) {
    for (const auto& r : commands())
        if (r.protocol == protocol && iequals(r.verb, verb)) return &r;
    return nullptr;
}

const ReplyRow* find_reply(std::string_view protocol, std::string_view code) {
    for (const auto& r : replies())
        if (r.protocol == protocol && iequals(r.code, code)) return &r;
    return nullptr;
}

}  // namespace mailsim::catalog

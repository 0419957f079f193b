// outgoing.hpp — what a sans-I/O engine hands out to be sent.
//
// Engines never write to a socket (STYLE.md #1). They queue Outgoing units,
// each one command or one reply with its exact bytes and what it means; the
// caller sends them over the simulated network, a real socket, or an
// in-memory pair in a test.
#pragma once

#include <string>
#include <string_view>

namespace mailsim::protocol {

struct Outgoing {
    std::string bytes;      // exact wire bytes, line ends included
    std::string_view verb;  // "MAIL", "250", or "" for message text; static storage (a catalog row)
    std::string_view key;   // text key: "smtp.cmd.MAIL", "smtp.reply.250", "smtp.message"; static storage
};

// What a trace shows as the unit's arguments: the rest of its first line
// after the verb, or for message text its size. Worked out only when a trace
// is recorded, so the engines need not build it.
std::string outgoing_args(const Outgoing& o);

}  // namespace mailsim::protocol

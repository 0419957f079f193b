// outgoing.hpp — what a sans-I/O engine hands out to be sent.
//
// Engines never write to a socket (STYLE.md #1). They queue Outgoing units,
// each one command or one reply with its exact bytes and what it means; the
// caller sends them over the simulated network, a real socket, or an
// in-memory pair in a test.
#pragma once

#include <string>

namespace mailsim::protocol {

struct Outgoing {
    std::string bytes;  // exact wire bytes, line ends included
    std::string verb;   // "MAIL", "250", or "" for message text
    std::string args;   // the rest of the first line
    std::string key;    // text key: "smtp.cmd.MAIL", "smtp.reply.250", "smtp.message"
};

}  // namespace mailsim::protocol

// fuzz_pop3_client.cpp — the POP3 client engine fed arbitrary bytes by a
// server (a live one can send anything): it answers or gives up, never
// crashes; whole and split at every third byte, in both retrieval modes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/pop3/client_session.hpp"

using namespace mailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    for (int mode = 0; mode < 2; ++mode) {
        pop3::Pop3ClientSettings s;
        s.user = "bob";
        s.password = "x";
        s.apop = size % 2 == 0;
        s.mode = mode ? pop3::RetrievalMode::keep : pop3::RetrievalMode::remove;
        s.seen = {"u1"};
        pop3::Pop3ClientSession client(s);
        if (mode == 0) {
            client.receive(in);
        } else {
            for (size_t i = 0; i < size; i += 3) client.receive(in.substr(i, 3));
        }
        client.take_output();
        while (client.next_event()) {
        }
    }
    return 0;
}

// annotate_state.hpp — what each protocol's annotator keeps between units
// (inside sim/protocol only; annotate.hpp is the interface).
//
// A State knows three things for its protocol: where the unit that starts a
// buffer ends (frame), what a unit cut from raw bytes is called (label), and
// how the session moves on after any unit, cut here or recorded (advance):
// which side speaks as client, a reply's class, what a unit carries.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "protocol/annotate.hpp"

namespace mailsim::protocol {

struct Annotator::State {
    explicit State(std::string_view name) : protocol(name) {}
    virtual ~State() = default;

    // The length of the whole unit at the start of `buf`, sent in `dir`; 0
    // while it is not complete. `closing`: nothing more will come that way.
    virtual size_t frame(Direction dir, std::string_view buf, bool closing) = 0;
    // The verb and key of a unit cut from raw bytes.
    virtual void label(Direction dir, std::string_view unit, Annotation& a) = 0;
    // The role, class and carried message of a labelled unit; the session's state moves on.
    virtual void advance(Direction dir, std::string_view unit, Annotation& a) = 0;

    std::string protocol;
    std::string held[2];  // bytes not yet a unit: to the server, to the client
};

std::unique_ptr<Annotator::State> make_smtp_state();
std::unique_ptr<Annotator::State> make_pop3_state();
std::unique_ptr<Annotator::State> make_imap_state();
std::unique_ptr<Annotator::State> make_http_state();

// Shared by the States: the end of the line at `from` (just past its LF), or 0.
inline size_t line_end(std::string_view buf, size_t from = 0) {
    const size_t lf = buf.find('\n', from);
    return lf == std::string_view::npos ? 0 : lf + 1;
}
// The unit's first line without its line end.
std::string_view first_line(std::string_view unit);
// The first word of `s` (up to a space, a tab or the line end).
std::string_view first_word(std::string_view s);
// Where a dot-terminated block ends (RFC 1939 §3, RFC 5321 §4.5.2): the
// position just past the "." line that closes lines starting at `from`; 0
// while it has not come.
size_t dot_block_end(std::string_view buf, size_t from);

}  // namespace mailsim::protocol

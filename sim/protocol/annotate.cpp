// annotate.cpp — cutting and labelling units, whatever the protocol; the
// protocols' own rules are in */annotate_*.cpp.
#include "protocol/annotate.hpp"

#include "core/allocator.hpp"

#include "protocol/annotate_state.hpp"
#include "protocol/line_framer.hpp"
#include "protocol/outgoing.hpp"

namespace mailsim::protocol {

namespace {

size_t slot(Direction d) { return d == Direction::to_client ? 1 : 0; }

// A protocol without rules of its own: a unit a line, unlabelled.
struct LineState : Annotator::State {
    using State::State;
    size_t frame(Direction, std::string_view buf, bool) override { return line_end(buf); }
    void label(Direction, std::string_view, Annotation&) override {}
    void advance(Direction dir, std::string_view, Annotation& a) override { a.from_client = dir != Direction::to_client; }
};

std::unique_ptr<Annotator::State> make_state(std::string_view protocol) {
    if (protocol == "smtp") return make_smtp_state();
    if (protocol == "pop3") return make_pop3_state();
    if (protocol == "imap") return make_imap_state();
    if (protocol == "http") return make_http_state();
    return std::make_unique<LineState>(protocol);
}

}  // namespace

std::string_view first_line(std::string_view unit) {
    std::string_view line = unit.substr(0, unit.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

std::string_view first_word(std::string_view s) {
    size_t end = 0;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t' && s[end] != '\r' && s[end] != '\n') ++end;
    return s.substr(0, end);
}

size_t dot_block_end(std::string_view buf, size_t from) {
    if (from >= 2 && buf.substr(from - 2, 2) == "\r\n") from -= 2;  // the CRLF before the first line
    else if (buf.substr(from, 3) == ".\r\n") return from + 3;        // no lines at all
    const size_t at = buf.find("\r\n.\r\n", from);
    return at == std::string_view::npos ? 0 : at + 5;
}

std::string carried_text(std::string_view unit_bytes, const Carried& c) {
    std::string_view b = unit_bytes.substr(std::min(c.offset, unit_bytes.size()), c.length);
    if (!c.dot_stuffed) return std::string(b);
    std::string out;
    out.reserve(b.size());
    for (size_t pos = 0; pos < b.size();) {
        const size_t end = b.find("\r\n", pos);
        const std::string_view line = b.substr(pos, end == std::string_view::npos ? b.size() - pos : end - pos);
        out.append(dot_unstuff(line)).append("\r\n");
        pos = end == std::string_view::npos ? b.size() : end + 2;
    }
    return out;
}

std::string unit_args(std::string_view bytes, std::string_view verb) {
    if (verb.empty()) return std::to_string(bytes.size()) + " bytes on the wire";
    std::string_view first = bytes.substr(0, bytes.find("\r\n"));
    if (first.compare(0, verb.size(), verb) != 0) {
        // IMAP puts a tag, or "*" and a number, before the verb: "A001 LOGIN bob", "* 3 FETCH (...)".
        std::string word = " " + std::string(verb);
        size_t at = first.find(word + " ");
        if (at != std::string_view::npos) return std::string(first.substr(at + word.size() + 1));
        if (first.size() >= word.size() && first.substr(first.size() - word.size()) == word) return {};
    }
    if (first.size() <= verb.size()) return {};
    return std::string(first.substr(verb.size() + 1));
}

std::string outgoing_args(const Outgoing& o) { return unit_args(o.bytes, o.verb); }

Annotator::Annotator(std::string_view protocol) : state_(make_state(protocol)) {}
Annotator::~Annotator() = default;
Annotator::Annotator(Annotator&&) noexcept = default;
Annotator& Annotator::operator=(Annotator&&) noexcept = default;

const std::string& Annotator::protocol() const { return state_->protocol; }

size_t Annotator::pending(Direction dir) const { return state_->held[slot(dir)].size(); }

std::string_view Annotator::pending_bytes(Direction dir) const { return state_->held[slot(dir)]; }

namespace {

// Moves `held` to a buffer of `capacity`, releasing the old one.
void move_to(std::string& held, size_t capacity) {
    std::string moved;
    moved.reserve(capacity);
    moved.append(held);
    release(held);
    held = std::move(moved);
}

// Appends to a unit being gathered. Past 64 KiB its buffer grows eightfold
// at a time, not twofold, and the old buffer's pages go back to the system
// at once (core/allocator.hpp's release(): the allocator would keep them a
// while): a message of 16 MiB gathered in doublings from 64 KiB once held
// 31 MiB of old buffers besides itself. (What is reserved and not yet
// written costs address space, not memory.)
void grow_by(std::string& held, std::string_view bytes) {
    constexpr size_t kLarge = 64 * 1024;
    const size_t need = held.size() + bytes.size();
    if (need > held.capacity() && held.size() >= kLarge) move_to(held, std::max(need, held.capacity() * 8));
    held.append(bytes);
}

}  // namespace

void Annotator::hold(Direction dir, std::string_view bytes) { grow_by(state_->held[slot(dir)], bytes); }

std::vector<Unit> Annotator::feed(Direction dir, std::string_view bytes) {
    std::vector<Unit> out;
    std::string& held = state_->held[slot(dir)];
    // Whole units are cut straight from the bytes given; only a unit still
    // incomplete at the end is copied, to wait for the rest.
    if (held.empty()) {
        held.assign(cut(dir, bytes, false, out));
        return out;
    }
    // The unit being gathered grows in place (a message of megabytes comes a
    // segment at a time): no new buffer for each piece.
    grow_by(held, bytes);
    const size_t left = cut(dir, held, false, out, &held).size();
    held.erase(0, held.size() - left);
    // (A unit gathered in place grows eightfold, so it fills at least an eighth of its buffer.)
    if (held.capacity() > (1u << 20) && held.size() < held.capacity() / 16) move_to(held, held.size());
    return out;
}

std::vector<Unit> Annotator::finish(Direction dir) {
    std::vector<Unit> out;
    std::string rest = std::move(state_->held[slot(dir)]);
    state_->held[slot(dir)].clear();
    cut(dir, rest, true, out, &rest);
    return out;
}

std::string_view Annotator::cut(Direction dir, std::string_view buf, bool closing, std::vector<Unit>& out, std::string* owner) {
    // A unit from this size on, at the start of owner's buffer, takes the buffer.
    constexpr size_t kTakeFrom = 64 * 1024;
    while (!buf.empty()) {
        size_t n = state_->frame(dir, buf, closing);
        if (n == 0 && !closing) break;
        if (n == 0) n = buf.size();  // cut off by the close: what there is, as one unit
        Unit u;
        if (owner && n >= kTakeFrom && buf.data() == owner->data()) {
            // (A message of megabytes is not copied: the importer's peak memory is one copy of it.)
            std::string after(buf.substr(n));
            u.bytes = std::move(*owner);
            u.bytes.resize(n);
            *owner = std::move(after);
            buf = std::string_view(*owner);
        } else {
            u.bytes.assign(buf.substr(0, n));
            buf.remove_prefix(n);
        }
        u.a.size = n;
        u.a.dir = dir;
        state_->label(dir, u.bytes, u.a);
        u.a.args = unit_args(u.bytes, u.a.verb);
        state_->advance(dir, u.bytes, u.a);
        out.push_back(std::move(u));
    }
    return buf;
}

Annotation Annotator::observe(Direction dir, std::string_view bytes, std::string_view verb, std::string_view key) {
    Annotation a;
    a.size = bytes.size();
    a.dir = dir;
    a.verb.assign(verb);
    a.key = key;
    state_->advance(dir, bytes, a);
    return a;
}

Annotation annotate_reply(std::string_view protocol, std::string_view line) {
    Annotator a(protocol);
    a.observe(Direction::to_client, {}, {}, {});  // the greeting is past
    std::string unit(line);
    unit += "\r\n";
    auto units = a.feed(Direction::to_client, unit);
    if (units.empty()) units = a.finish(Direction::to_client);
    return units.empty() ? Annotation{} : std::move(units.front().a);
}

}  // namespace mailsim::protocol

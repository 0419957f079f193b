// trace.cpp — compact storage of events.
#include "core/trace.hpp"

namespace mailsim {

std::uint32_t Trace::intern(std::string_view s) {
    auto it = string_ids_.find(s);
    if (it != string_ids_.end()) return it->second;
    strings_.emplace_back(s);
    auto id = static_cast<std::uint32_t>(strings_.size() - 1);
    string_ids_.emplace(strings_.back(), id);
    return id;
}

std::uint64_t Trace::append(const Event& e) {
    Record r;
    r.time = e.time;
    r.until = e.until;
    r.offset = arena_.size();
    r.bytes_len = static_cast<std::uint32_t>(e.bytes.size());
    r.args_len = static_cast<std::uint32_t>(e.args.size());
    r.detail_len = static_cast<std::uint32_t>(e.detail.size());
    r.conn = e.conn;
    r.host = intern(e.host);
    r.peer = intern(e.peer);
    r.protocol = intern(e.protocol);
    r.verb = intern(e.verb);
    r.key = intern(e.key);
    r.kind = e.kind;
    r.dir = e.dir;
    arena_.append(e.bytes).append(e.args).append(e.detail);
    records_.push_back(r);
    std::uint64_t seq = records_.size() - 1;
    if (on_append) on_append(at(seq));
    return seq;
}

Event Trace::at(size_t index) const {
    const Record& r = records_[index];
    Event e;
    e.seq = index;
    e.time = r.time;
    e.until = r.until;
    e.kind = r.kind;
    e.dir = r.dir;
    e.conn = r.conn;
    e.host = strings_[r.host];
    e.peer = strings_[r.peer];
    e.protocol = strings_[r.protocol];
    e.verb = strings_[r.verb];
    e.key = strings_[r.key];
    std::string_view arena(arena_);
    e.bytes = arena.substr(r.offset, r.bytes_len);
    e.args = arena.substr(r.offset + r.bytes_len, r.args_len);
    e.detail = arena.substr(r.offset + r.bytes_len + r.args_len, r.detail_len);
    return e;
}

size_t Trace::memory_bytes() const {
    size_t n = records_.capacity() * sizeof(Record) + arena_.capacity();
    for (const auto& s : strings_) n += sizeof(std::string) + s.capacity() + 32;
    return n;
}

void Trace::clear() {
    records_.clear();
    arena_.clear();
    strings_.assign(1, std::string{});
    string_ids_.clear();
    string_ids_.emplace(std::string_view{}, 0);
}

}  // namespace mailsim

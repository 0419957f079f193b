// trace.cpp — compact storage of events.
#include "core/trace.hpp"

#include <cstring>

namespace mailsim {

std::uint32_t Trace::intern(std::string_view s) {
    auto it = string_ids_.find(s);
    if (it != string_ids_.end()) return it->second;
    strings_.emplace_back(s);
    auto id = static_cast<std::uint32_t>(strings_.size() - 1);
    string_ids_.emplace(strings_.back(), id);
    return id;
}

std::string_view Trace::store(std::string_view a, std::string_view b, std::string_view c, std::uint64_t& offset) {
    size_t need = a.size() + b.size() + c.size();
    if (chunks_.empty() || chunk_used_ + need > chunk_sizes_.back()) {
        size_t size = need > kChunk ? need : kChunk;
        chunks_.push_back(std::make_unique<char[]>(size));
        chunk_sizes_.push_back(size);
        chunk_used_ = 0;
    }
    char* base = chunks_.back().get() + chunk_used_;
    offset = (static_cast<std::uint64_t>(chunks_.size() - 1) << 32) | chunk_used_;
    char* p = base;
    for (auto part : {a, b, c}) {
        if (!part.empty()) std::memcpy(p, part.data(), part.size());
        p += part.size();
    }
    chunk_used_ += need;
    return {base, need};
}

std::string_view Trace::span(std::uint64_t offset, size_t size) const {
    if (size == 0) return {};
    return {chunks_[offset >> 32].get() + (offset & 0xFFFFFFFFu), size};
}

std::uint64_t Trace::append(const Event& e) {
    Record r;
    r.time = e.time;
    r.until = e.until;
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
    store(e.bytes, e.args, e.detail, r.offset);
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
    std::string_view all = span(r.offset, size_t{r.bytes_len} + r.args_len + r.detail_len);
    e.bytes = all.substr(0, r.bytes_len);
    e.args = all.substr(r.bytes_len, r.args_len);
    e.detail = all.substr(r.bytes_len + r.args_len, r.detail_len);
    return e;
}

size_t Trace::memory_bytes() const {
    size_t n = records_.size() * sizeof(Record);
    for (size_t size : chunk_sizes_) n += size;
    for (const auto& s : strings_) n += sizeof(std::string) + s.capacity() + 32;
    return n;
}

void Trace::clear() {
    records_.clear();
    chunks_.clear();
    chunk_sizes_.clear();
    chunk_used_ = 0;
    strings_.assign(1, std::string{});
    string_ids_.clear();
    string_ids_.emplace(std::string_view{}, 0);
}

}  // namespace mailsim

// trace.cpp — compact storage of events.
#include "core/trace.hpp"

#include "core/allocator.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace mailsim {

namespace {

// a[0..n) == b[0..n), inline for the short strings a trace interns (host
// names, verbs, keys): two overlapping loads cover 4 to 16 bytes.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) {
    auto load8 = [](const char* p) { std::uint64_t v; std::memcpy(&v, p, 8); return v; };
    auto load4 = [](const char* p) { std::uint32_t v; std::memcpy(&v, p, 4); return v; };
    if (n >= 8 && n <= 16) return load8(a) == load8(b) && load8(a + n - 8) == load8(b + n - 8);
    if (n >= 4 && n < 8) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
    if (n < 4) {
        for (size_t i = 0; i < n; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }
    return std::memcmp(a, b, n) == 0;
}

}  // namespace

// The cache hit, inline in append: an event interns five strings, nearly
// all of them hits.
inline std::uint32_t Trace::intern(std::string_view s) {
    if (s.empty()) return 0;
    auto addr = reinterpret_cast<std::uintptr_t>(s.data());
    CacheSlot& slot = intern_cache_[((addr >> 3) ^ (addr >> 11) ^ s.size()) & 255];
    if (slot.data == s.data() && slot.size == s.size() && same_bytes(slot.interned, s.data(), s.size()))
        return slot.id;
    return intern_slow(s, slot);
}

std::uint32_t Trace::intern_slow(std::string_view s, CacheSlot& slot) {
    std::uint32_t id;
    if (auto it = string_ids_.find(s); it != string_ids_.end()) {
        id = it->second;
    } else {
        strings_.emplace_back(s);
        id = static_cast<std::uint32_t>(strings_.size() - 1);
        string_ids_.emplace(strings_.back(), id);
    }
    slot = {s.data(), s.size(), id, strings_[id].data()};
    return id;
}

void Trace::BlockFree::operator()(void* p) const { ::munmap(p, bytes); }

void* Trace::map_block(size_t bytes) {
    // Map a huge page more than asked and trim, so the block starts on a
    // 2 MiB boundary and the kernel can back all of it with huge pages.
    // (Taken from malloc as aligned blocks, a trace of 586 MiB left its
    // process at a peak of 1,139 MiB resident; mapped here, 723 MiB.)
    void* raw = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    auto start = reinterpret_cast<std::uintptr_t>(raw);
    auto aligned = (start + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
    if (aligned > start) ::munmap(raw, aligned - start);
    ::munmap(reinterpret_cast<void*>(aligned + bytes), kHugePage - (aligned - start));  // the rest past the block
    void* p = reinterpret_cast<void*>(aligned);
    ::madvise(p, bytes, MADV_HUGEPAGE);  // a hint; fine if refused
#ifdef MADV_POPULATE_WRITE
    // Fault the block in with one call rather than a page at a time: on a
    // virtual machine each page fault is an exit. Fine if the kernel is
    // older and refuses.
    ::madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
    return p;
}

std::string_view Trace::store(std::string_view a, std::string_view b, std::string_view c, std::uint64_t& offset) {
    size_t need = a.size() + b.size() + c.size();
    if (chunks_.empty() || chunk_used_ + need > chunks_.back().get_deleter().bytes) {
        size_t size = need > kChunk ? need : kChunk;
        if (chunks_.empty()) chunk_tail_released_ = false;
        chunks_.push_back(allocate_block<char>(size));
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
    if (offset & kAdopted) return {adopted_[(offset & ~kAdopted) >> 32].data() + (offset & 0xFFFFFFFFu), size};
    return {chunks_[offset >> 32].get() + (offset & 0xFFFFFFFFu), size};
}

Trace::Record Trace::record_of(const Event& e) {
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
    return r;
}

std::uint64_t Trace::append(const Event& e) {
    Record r = record_of(e);
    store(e.bytes, e.args, e.detail, r.offset);
    return push(r);
}

std::uint64_t Trace::append(const Event& e, std::string&& bytes) {
    if (bytes.size() < kAdoptFrom) {
        Event copy = e;
        copy.bytes = bytes;
        const std::uint64_t seq = append(copy);
        release(bytes);  // (a unit cut from a large buffer: its pages go back now)
        return seq;
    }
    Record r = record_of(e);
    r.bytes_len = static_cast<std::uint32_t>(bytes.size());
    bytes.append(e.args);  // (a buffer grown in place has room for them)
    bytes.append(e.detail);
    r.offset = kAdopted | (static_cast<std::uint64_t>(adopted_.size()) << 32);
    adopted_.push_back(std::move(bytes));
    return push(r);
}

std::uint64_t Trace::push(const Record& r) {
    if ((record_count_ & kRecordMask) == 0 && (record_count_ >> kRecordShift) == record_blocks_.size())
        record_blocks_.push_back(allocate_block<Record>(sizeof(Record) << kRecordShift));
    record_blocks_.back().get()[record_count_ & kRecordMask] = r;
    std::uint64_t seq = record_count_++;
    if (on_append) on_append(at(seq));
    return seq;
}

Event Trace::at(size_t index) const {
    const Record& r = record(index);
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
    size_t n = 0;
    for (const auto& b : record_blocks_) n += b.get_deleter().bytes;
    for (const auto& c : chunks_) n += c.get_deleter().bytes;
    for (const auto& a : adopted_) n += a.size();
    for (const auto& s : strings_) n += sizeof(std::string) + s.capacity() + 32;
    return n;
}

void Trace::clear() {
    // The first block of records and the first chunk of the usual size stay,
    // mapped and ready: a consumer that drops events as it goes (a streaming
    // import) does not map, fault in and unmap fresh huge pages each time.
    if (record_blocks_.size() > 1) record_blocks_.erase(record_blocks_.begin() + 1, record_blocks_.end());
    record_count_ = 0;
    if (!chunks_.empty() && chunks_.front().get_deleter().bytes != kChunk) chunks_.clear();
    // Of the chunk kept, only its first huge page stays in memory (the rest
    // was faulted in whole when mapped, or has been written since): a
    // consumer that clears often uses no more.
    if (!chunks_.empty() && (chunks_.size() > 1 || chunk_used_ > kHugePage || !chunk_tail_released_)) {
        ::madvise(chunks_.front().get() + kHugePage, kChunk - kHugePage, MADV_DONTNEED);
        chunk_tail_released_ = true;
    }
    if (chunks_.size() > 1) chunks_.erase(chunks_.begin() + 1, chunks_.end());
    chunk_used_ = 0;
    for (auto& a : adopted_) release(a);
    adopted_.clear();
    strings_.assign(1, std::string{});
    intern_cache_.fill(CacheSlot{});
    string_ids_.clear();
    string_ids_.emplace(std::string_view{}, 0);
}

}  // namespace mailsim

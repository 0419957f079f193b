// trace.hpp — an ordered list of Events, and what produced them.
//
// The Trace is the spine of mailsim (DESIGN.md): the simulation, a live
// session, a serve session and an imported capture all produce one, and the
// GUI and the CLI only read it. Storage is compact because traces get long
// (a million transcript lines must load and scroll): each event is a fixed
// record, repeated short strings (hosts, verbs, keys) are interned once, and
// the variable bytes live in one arena.
//
// On disk a Trace is JSON, documented in traces/FORMAT.md (trace_json.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"

namespace mailsim {

struct TraceHost {
    std::string name;
    std::string role;    // "user-agent", "mail-server", "dns", "client", "server"
    std::string domain;  // mail domain served or belonged to, if any
    std::string user;    // for a user agent: its user's address
    bool operator==(const TraceHost&) const = default;
};

struct TraceLink {
    std::string a, b;
    SimTime latency = 0;
    bool operator==(const TraceLink&) const = default;
};

struct TraceSource {
    std::string kind = "simulation";  // simulation | live | serve | import
    std::string clock = "virtual";    // virtual | wall | capture
    std::string name;                 // scenario or session name
    std::uint64_t seed = 0;
    std::int64_t start_epoch = 0;     // Unix seconds of time 0
    bool operator==(const TraceSource&) const = default;
};

class Trace {
public:
    Trace() = default;
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    Trace(Trace&&) = default;
    Trace& operator=(Trace&&) = default;

    TraceSource source;
    std::vector<TraceHost> hosts;
    std::vector<TraceLink> links;

    // When off, producers skip building events at all (benchmarks, replays
    // to a point). Appending still works.
    bool recording() const { return recording_; }
    void set_recording(bool on) { recording_ = on; }

    // Copies the event's strings in; its seq is set to the position.
    std::uint64_t append(const Event& e);
    // The same, with the event's bytes given as a buffer the trace may keep
    // (e.bytes is not read): from 1 MiB on it is kept as it is, not copied,
    // so that a message of megabytes is in memory once (the importer).
    std::uint64_t append(const Event& e, std::string&& bytes);

    size_t size() const { return record_count_; }
    bool empty() const { return record_count_ == 0; }
    Event at(size_t index) const;
    Event operator[](size_t index) const { return at(index); }

    // Bytes held: records, arena and interned strings.
    size_t memory_bytes() const;

    // Called after every append (the CLI prints as a simulation runs).
    std::function<void(const Event&)> on_append;

    // Drops every event and string; the first blocks stay for reuse.
    void clear();

private:
    struct Record {
        SimTime time;
        SimTime until;
        std::uint64_t offset;  // chunk index << 32 | position: bytes, then args, then detail
        std::uint32_t bytes_len, args_len, detail_len, conn;
        std::uint32_t host, peer, protocol, verb, key;
        EventKind kind;
        Direction dir;
    };
    struct CacheSlot;
    Record record_of(const Event& e);  // all but the offset
    std::uint64_t push(const Record& r);
    std::uint32_t intern(std::string_view s);  // inline in trace.cpp: the cache hit
    std::uint32_t intern_slow(std::string_view s, CacheSlot& slot);

    // Appends bytes to the arena; returns where they start. The arena grows
    // in chunks that never move, so appending never copies what is stored.
    std::string_view store(std::string_view a, std::string_view b, std::string_view c, std::uint64_t& offset);
    std::string_view span(std::uint64_t offset, size_t size) const;

    const Record& record(size_t i) const { return record_blocks_[i >> kRecordShift].get()[i & kRecordMask]; }

    // Memory comes in large blocks that never move (so appending never copies
    // what is stored and views stay valid), mapped straight from the kernel
    // and backed with huge pages where it allows (fewer page faults: a long
    // trace is hundreds of MiB). A block is a whole number of 2 MiB pages.
    static constexpr size_t kHugePage = 2 << 20;
    struct BlockFree {
        size_t bytes = 0;
        void operator()(void* p) const;
    };
    template <class T>
    static std::unique_ptr<T, BlockFree> allocate_block(size_t bytes) {
        size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        return {static_cast<T*>(map_block(rounded)), BlockFree{rounded}};
    }
    static void* map_block(size_t bytes);

    bool recording_ = true;
    static constexpr size_t kRecordShift = 15, kRecordMask = (1u << kRecordShift) - 1;  // 32768 records a block
    std::vector<std::unique_ptr<Record, BlockFree>> record_blocks_;
    size_t record_count_ = 0;
    std::vector<std::unique_ptr<char, BlockFree>> chunks_;
    size_t chunk_used_ = 0;      // bytes used in the last chunk
    bool chunk_tail_released_ = false;  // the first chunk's pages past its first huge page (clear())
    // Buffers kept as given (append with a buffer); a record's offset with
    // kAdopted set is one of them: index << 32.
    std::vector<std::string> adopted_;
    static constexpr std::uint64_t kAdopted = std::uint64_t{1} << 63;
    static constexpr size_t kAdoptFrom = 1 << 20;
    static constexpr size_t kChunk = 4 << 20;
    // Producers pass the same few strings again and again from the same
    // storage (host names, catalog keys): a small cache keyed by address
    // skips hashing them; a hit is still compared byte for byte.
    struct CacheSlot {
        const char* data = nullptr;
        size_t size = 0;
        std::uint32_t id = 0;
        const char* interned = nullptr;  // strings_[id].data(): a deque's elements stay put
    };
    std::array<CacheSlot, 256> intern_cache_{};
    std::deque<std::string> strings_{std::string{}};  // id 0 is ""
    std::unordered_map<std::string_view, std::uint32_t> string_ids_{{std::string_view{}, 0}};
};

}  // namespace mailsim

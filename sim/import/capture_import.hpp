// capture_import.hpp — packets of a capture → a Trace of mail sessions
// (DESIGN.md: the import row of the Trace table; capture clock).
//
// Each TCP connection is reassembled in both directions (tcp_reassembly)
// and, if it carries SMTP, POP3, IMAP or HTTP, becomes the events a
// simulated one would: connect, accept, one bytes event per command, reply
// or message text with its exact bytes, labelled by the annotator from the
// same catalogs (sim/protocol/annotate), and close. The protocol is found
// by the server's port (25, 587, 2525, 110, 143, 80, 8080; 465, 995, 993
// are TLS from the start) or by what the first bytes say: a "220", "+OK" or
// "* OK" greeting, an HTTP request or status line, on any port.
//
// After a positive answer to STARTTLS or STLS the stream is TLS: its
// records are counted and sized a flight at a time (tls_records), never
// shown as text. A hole the capture never filled is a gap event between
// the bytes on either side of it. The hosts are the addresses seen (the
// server of a mail protocol a mail-server, its clients user agents below
// it), each client's link to its server is the topology.
//
// Events come in the capture's order and times (microseconds since the
// first packet's whole second); a connection on an unknown port is held
// back until its first bytes say what it is, and its events then take
// their place among the others by time.
//
// Not done: IP fragments (left out, so their bytes show as a gap), TCP
// over tunnels, decrypting TLS with a key log, UDP.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/trace.hpp"
#include "import/packet.hpp"

namespace mailsim::import {

struct ImportStats {
    std::uint64_t packets = 0;
    std::uint64_t tcp_segments = 0;
    std::uint64_t other_packets = 0;     // not TCP over IP
    std::uint64_t fragments = 0;         // IP fragments, left out
    std::uint64_t malformed = 0;         // headers that do not add up
    std::uint64_t connections = 0;       // TCP connections seen
    std::uint64_t mail_connections = 0;  // shown: SMTP, POP3, IMAP, HTTP
    std::uint64_t retransmitted_bytes = 0;
    std::uint64_t gaps = 0, gap_bytes = 0;
    std::uint64_t stream_bytes = 0;      // bytes delivered in order, all connections shown
    std::uint64_t largest_stream = 0;    // the most bytes of one connection (both ways)
};

struct ConnectionState;  // capture_import.cpp

// Packets in, events out. Used by import_capture and by the tests, which
// feed frames they build themselves.
class PacketImporter {
public:
    explicit PacketImporter(Trace& out);
    ~PacketImporter();

    // One captured frame of link type `dlt` at Unix time `time_us`.
    void packet(std::int64_t time_us, int dlt, std::string_view frame);
    // The capture is over: held bytes come out after their gaps, open
    // connections end, and the trace gets its hosts and links.
    void finish();

    const ImportStats& stats() const { return stats_; }

private:
    struct Staged;
    void segment(const TcpSegment& s);
    ConnectionState* connection_for(const TcpSegment& s);
    void stream_data(ConnectionState& c, int half, std::string_view bytes);
    void stream_gap(ConnectionState& c, int half, std::uint64_t missing);
    // The first bytes of `half` say what the connection carries, or that it is left out.
    void decide(ConnectionState& c, int half);
    void show(ConnectionState& c, const std::string& protocol, bool waited);
    void leave_out(ConnectionState& c);
    void finish_units(ConnectionState& c, int half);
    void tls_flights(ConnectionState& c);
    void units(ConnectionState& c, int half, std::string_view bytes);
    void feed_units(ConnectionState& c, int half, std::string_view bytes);
    void flush_batch(ConnectionState& c, int half);
    void tls_data(ConnectionState& c, int half, std::string_view bytes);
    void tls_flight(ConnectionState& c, int half);
    void close_connection(ConnectionState& c, int half, std::string_view why);
    void end_connection(ConnectionState& c);
    // Both ends closed: the connection's events are out, its memory goes.
    void retire(const TcpSegment& s);

    // e's strings are copied when it must wait; `bytes`, when given, are
    // e's bytes, which the trace may take rather than copy.
    void emit(ConnectionState* c, Event e, std::string* bytes = nullptr);
    void flush_staged();
    void skip_stale();

    Trace& out_;
    ImportStats stats_;
    std::int64_t epoch_us_ = -1;  // the first packet's whole second
    SimTime now_ = 0;             // the current packet's time
    SimTime last_time_ = 0;       // times never go backwards
    std::uint32_t next_conn_id_ = 1;
    // Open connections by their two ends (the lower first).
    std::map<std::pair<Endpoint, Endpoint>, std::unique_ptr<ConnectionState>> live_;
    std::set<std::pair<Endpoint, Endpoint>> ended_;  // lately ended, oldest first in ended_order_
    std::deque<std::pair<Endpoint, Endpoint>> ended_order_;
    // Host names of connections shown: (client, server, protocol), for the hosts and links.
    std::vector<std::array<std::string, 3>> pairs_;
    std::vector<Staged> staged_;  // events waiting behind a connection not yet known, in time order
    size_t holding_ = 0;  // connections whose events wait for their protocol
};

struct ImportOptions {
    // Called now and then with the bytes read so far and the file's size;
    // returning false stops the import (what was read so far is kept).
    std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
};

struct ImportResult {
    Trace trace;
    std::string format;             // "pcap", "pcapng", "swaks", "curl"

    ImportStats stats;
    bool cancelled = false;
    std::string stopped;            // why reading stopped before the end ("" when it did not)
    std::uint64_t stopped_at = 0;   // the byte offset of the record where it stopped
};

// Reads a pcap or pcapng file (from `path`, or from `memory` when not empty).
// An Error only when nothing could be read at all (not a capture, a link
// type that is not known); a file cut short or broken later gives what came
// before, with `stopped` and `stopped_at` saying where and why, and a note
// at the end of the trace saying so too.
Result<ImportResult> import_capture(const std::string& path, const ImportOptions& options = {},
                                    std::string_view memory = {});

}  // namespace mailsim::import

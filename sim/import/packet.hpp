// packet.hpp — one captured frame → the TCP segment it carries, if any.
//
// The link layers that mail captures come in: Ethernet (with 802.1Q and
// 802.1ad tags), BSD loopback (DLT_NULL, DLT_LOOP), raw IP (DLT_RAW,
// DLT_IPV4, DLT_IPV6) and Linux "cooked" captures (SLL, SLL2: tcpdump -i
// any). Then IPv4 (RFC 791) or IPv6 (RFC 8200, walking the hop-by-hop,
// routing, destination options and AH headers), then TCP (RFC 9293 §3.1).
//
// Not done: IP fragments (a fragmented segment is counted and left out,
// which shows as a gap in its stream), tunnels (GRE, VXLAN), 802.11.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim::import {

// An IPv4 or IPv6 address and port: one end of a TCP connection.
struct Endpoint {
    std::array<std::uint8_t, 16> addr{};  // IPv4 in the first 4 bytes
    bool v6 = false;
    std::uint16_t port = 0;
    auto operator<=>(const Endpoint&) const = default;
};
// "192.0.2.1" or "2001:db8::1" (RFC 5952 form, through inet_ntop).
std::string address_text(const Endpoint& e);

enum TcpFlag : std::uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10 };

struct TcpSegment {
    Endpoint src, dst;
    std::uint32_t seq = 0, ack = 0;
    std::uint8_t flags = 0;
    std::string_view payload;     // the bytes captured
    std::uint32_t payload_len = 0;  // the bytes the IP header says it carried (more when the snapshot cut it)
};

enum class Decoded : std::uint8_t { tcp, not_tcp, fragment, malformed, unknown_link };

// Decodes a frame of link type `dlt` (pcap's DLT_ numbers).
Decoded decode_frame(int dlt, std::string_view frame, TcpSegment& out);

// Whether decode_frame knows the link type.
bool known_link_type(int dlt);

}  // namespace mailsim::import

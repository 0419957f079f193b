// topology.hpp — where hosts stand in the topology panel, and what is in
// flight between them at a moment. No ImGui: positions are fractions of the
// panel, so the view-model tests can check them.
#pragma once

#include <string>
#include <vector>

#include "core/trace.hpp"

namespace mailsim::gui {

struct HostPlace {
    std::string name, role, domain;
    float x = 0.5f, y = 0.5f;  // the centre, as fractions of the picture
    float width = 0.33f;       // the widest box that does not touch a neighbour, as a fraction of the picture
    float height = 0;          // grouped picture: the box's height as a fraction; 0 = two lines of text
};

// A domain's frame in the grouped picture: its mail server on top, its user
// agents in rows below.
struct DomainGroup {
    std::string domain;
    float x = 0, y = 0, w = 0, h = 0;  // top left and size, fractions of the picture
    size_t hosts = 0;
};

struct TopologyLayout {
    std::vector<HostPlace> hosts;
    std::vector<DomainGroup> groups;  // empty for the textbook picture
    bool grouped() const { return !groups.empty(); }
};

// Up to this many hosts the textbook picture; more are grouped by domain.
inline constexpr size_t kTextbookHosts = 16;

// The textbook picture: the mail servers in a row, each domain's user agents
// below its server (for two domains, the sender's at the far left and the
// receiver's at the far right; several agents of a domain two to a row),
// DNS and other hosts across the top. With more than kTextbookHosts hosts
// (a class's thousand), each domain gets a frame in a grid of frames, DNS
// and other hosts a row across the top; the panel zooms and pans over it.
TopologyLayout layout_topology(const Trace& trace);
std::vector<HostPlace> place_hosts(const Trace& trace);  // layout_topology's hosts

struct InFlight {
    std::uint32_t seq = 0;
    std::string from, to;  // hosts
    float fraction = 0;    // 0 at the sender, 1 arrived
};

// Units on their way at `time` among the events before `cursor`. When
// `midway` is set (stepping, not playing), the last event shown, if it
// travels, is drawn half way so the student sees it on its link.
std::vector<InFlight> in_flight(const Trace& trace, size_t cursor, SimTime time, bool midway);

}  // namespace mailsim::gui

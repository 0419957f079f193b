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
    float x = 0.5f, y = 0.5f;  // fractions of the panel
    float width = 0.33f;       // the widest box that does not touch a neighbour, as a fraction of the panel
};

// The textbook picture: the mail servers in a row, each domain's user agents
// below its server (for two domains, the sender's at the far left and the
// receiver's at the far right; several agents of a domain two to a row),
// DNS and other hosts across the top.
std::vector<HostPlace> place_hosts(const Trace& trace);

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

// event.cpp — names of event kinds and directions.
#include "core/event.hpp"

namespace mailsim {

std::string_view to_string(EventKind k) { return kEventKindNames[static_cast<size_t>(k)]; }

std::optional<EventKind> parse_event_kind(std::string_view name) {
    for (size_t i = 0; i < kEventKindNames.size(); ++i)
        if (kEventKindNames[i] == name) return static_cast<EventKind>(i);
    return std::nullopt;
}

std::string_view to_string(Direction d) { return kDirectionNames[static_cast<size_t>(d)]; }

std::optional<Direction> parse_direction(std::string_view name) {
    for (size_t i = 0; i < kDirectionNames.size(); ++i)
        if (kDirectionNames[i] == name) return static_cast<Direction>(i);
    return std::nullopt;
}

}  // namespace mailsim

// time.hpp — the virtual clock's unit and how durations are written.
//
// Simulated time is an integer count of microseconds since the scenario's
// start, so runs are exact and repeatable (no floating point on the clock).
// Durations in scenario files are written "250ms", "90s", "5m", "2h", "1d",
// or as a bare number of seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim {

using SimTime = std::int64_t;  // microseconds

inline constexpr SimTime kMicrosecond = 1;
inline constexpr SimTime kMillisecond = 1000;
inline constexpr SimTime kSecond = 1000 * kMillisecond;
inline constexpr SimTime kMinute = 60 * kSecond;
inline constexpr SimTime kHour = 60 * kMinute;
inline constexpr SimTime kDay = 24 * kHour;

// "12.345s", the way transcripts print times.
std::string format_seconds(SimTime t);

// "90s", "5m", "1h30m" style for settings; exact, shortest form.
std::string format_duration(SimTime d);

// Parses "250ms", "90s", "1.5s", "5m", "2h", "1d", "1h30m", or "42" (seconds).
std::optional<SimTime> parse_duration(std::string_view text);

// RFC 5322 date-time ("Sun, 22 Nov 2026 09:00:05 +0000") for a Unix epoch
// start plus a simulated offset.
std::string rfc5322_date(std::int64_t epoch_seconds, SimTime offset);

// Parses "2026-11-22T09:00:00Z" into Unix seconds.
std::optional<std::int64_t> parse_iso8601_utc(std::string_view text);

}  // namespace mailsim

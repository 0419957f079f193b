// time.cpp — formatting and parsing of simulated times and durations.
#include "core/time.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

namespace mailsim {

std::string format_seconds(SimTime t) {
    const char* sign = t < 0 ? "-" : "";
    SimTime a = t < 0 ? -t : t;
    return fmt::format("{}{}.{:03}s", sign, a / kSecond, (a % kSecond) / kMillisecond);
}

std::string format_duration(SimTime d) {
    if (d == 0) return "0s";
    if (d % kSecond != 0) {
        if (d % kMillisecond == 0) return fmt::format("{}ms", d / kMillisecond);
        return fmt::format("{}us", d);
    }
    SimTime s = d / kSecond;
    if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
    if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
    if (s % 60 == 0) return fmt::format("{}m", s / 60);
    return fmt::format("{}s", s);
}

std::optional<SimTime> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    SimTime total = 0;
    size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        // number: digits with an optional fraction
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == start) return std::nullopt;
        std::string_view number = text.substr(start, i - start);
        size_t unit_start = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        std::string_view unit = text.substr(unit_start, i - unit_start);
        SimTime scale = 0;
        if (unit.empty() || unit == "s") scale = kSecond;
        else if (unit == "ms") scale = kMillisecond;
        else if (unit == "us") scale = kMicrosecond;
        else if (unit == "m" || unit == "min") scale = kMinute;
        else if (unit == "h") scale = kHour;
        else if (unit == "d") scale = kDay;
        else return std::nullopt;
        if (unit.empty() && i != text.size()) return std::nullopt;
        // exact decimal arithmetic: integer part and up to 6 fraction digits
        size_t dot = number.find('.');
        std::string_view whole = number.substr(0, dot);
        std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
        if (frac.find('.') != std::string_view::npos || (whole.empty() && frac.empty())) return std::nullopt;
        long long w = 0;
        if (!whole.empty()) {
            auto r = std::from_chars(whole.data(), whole.data() + whole.size(), w);
            if (r.ec != std::errc{} || r.ptr != whole.data() + whole.size()) return std::nullopt;
        }
        if (w > (1LL << 40)) return std::nullopt;
        SimTime value = w * scale;
        SimTime place = scale / 10;
        for (char c : frac) {
            if (place == 0) break;
            value += (c - '0') * place;
            place /= 10;
        }
        total += value;
        any = true;
    }
    if (!any) return std::nullopt;
    return total;
}

std::string rfc5322_date(std::int64_t epoch_seconds, SimTime offset) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = static_cast<std::time_t>(epoch_seconds + offset / kSecond);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<std::int64_t> parse_iso8601_utc(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SSZ
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    auto num = [&](size_t pos, size_t len, int& out) {
        auto r = std::from_chars(text.data() + pos, text.data() + pos + len, out);
        return r.ec == std::errc{} && r.ptr == text.data() + pos + len;
    };
    std::tm tm{};
    int y, mo, d, h, mi, s;
    if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, s))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace mailsim

// json_text.hpp — writing small JSON objects fast, byte-identical to
// nlohmann::json::dump().
//
// Events carry JSON details; some are made for every message (a queue entry,
// a delivery), where building an nlohmann::json tree costs more than the
// simulation step itself. This writer appends text directly. It escapes as
// nlohmann does, and keys must be given in ascending order (nlohmann's maps
// are sorted), so a trace read back and written again is the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim {

// Appends s as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);

class JsonObject {
public:
    JsonObject() {
        text_.reserve(256);  // an event's detail: one allocation, not a doubling series
        text_ += '{';
    }
    // Writes the object at the end of `prefix` (an array being built, say):
    // done() gives back prefix + object, in the same buffer.
    explicit JsonObject(std::string&& prefix) : text_(std::move(prefix)) { text_ += '{'; }
    JsonObject& str(std::string_view key, std::string_view value);
    JsonObject& num(std::string_view key, std::int64_t value);
    JsonObject& boolean(std::string_view key, bool value);
    // `json` must already be valid JSON text (an array or object).
    JsonObject& raw(std::string_view key, std::string_view json);
    std::string done() {
        text_ += '}';
        return std::move(text_);
    }

private:
    void key(std::string_view k);
    std::string text_;
#ifndef NDEBUG
    std::string last_key_;  // only for the assertion that keys come sorted
#endif
    bool first_ = true;
};

}  // namespace mailsim

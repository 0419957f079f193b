// error.hpp — errors as values that say where (STYLE.md #9).
//
// Bad input (a scenario, a trace, a lesson) never crashes and never leaves a
// partial file: readers return a Result whose Error names the place — a JSON
// path like `mails[2].to` or a byte offset — and what was expected there.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace mailsim {

struct Error {
    std::string where;  // "scenario.json: mails[2].to", "trace.json: byte 1234"
    std::string what;   // "expected an address"
    std::string message() const { return where.empty() ? what : where + ": " + what; }
};

template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Error error) : error_(std::move(error)) {}
    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    T& value() { return *value_; }
    const T& value() const { return *value_; }
    T& operator*() { return *value_; }
    T* operator->() { return &*value_; }
    const Error& error() const { return error_; }

private:
    std::optional<T> value_;
    Error error_;
};

// Thrown inside readers and turned into an Error at their boundary; never
// escapes the library.
struct InputError : std::runtime_error {
    std::string where;
    InputError(std::string where_, const std::string& what) : std::runtime_error(what), where(std::move(where_)) {}
};

// Writes `content` to `path` atomically: a temp file beside it, flushed,
// then renamed over. On failure the old file (if any) is untouched.
std::optional<Error> write_file_atomically(const std::string& path, std::string_view content);

// Reads a whole file; the Error names the path and the system's reason.
Result<std::string> read_file(const std::string& path);

}  // namespace mailsim

// transcript_log.hpp — what swaks or `curl -v` printed → a Trace.
//
// Mail administrators keep such transcripts. Each line the program sent or
// received is marked by who sent it:
//
//   swaks    " -> " sent, "<-  " received, " ~> " and "<~  " the same inside
//            TLS, "**> " and "<** " errors; "=== " and "*** " its own
//            notes ("=== Connected to HOST.", "=== TLS started …"); with
//            --show-time-lapse, "=== response in 0.012s" gives the times
//   curl -v  "> " sent, "< " received, "* " its own notes ("* Connected to
//            HOST (IP) port N", "* SSL connection using …"); with
//            --trace-time each line starts with HH:MM:SS.ffffff
//
// A marked line is a line of wire bytes less its CRLF; the lines become
// bytes again (with CRLF) and go through the annotator, so units, labels
// and carried messages are those of a capture or a simulation. Times come
// from the log where it has them (else every event is at 0). A log shows
// what the program saw inside TLS: the annotator starts again there, after
// a note that TLS began.
//
// Not done: swaks's --suppress-data summary ("23 lines sent") stands for
// text it does not show, so that text is not in the trace; curl's "{ [N
// bytes data]" lines are bodies curl did not print.
#pragma once

#include <string>
#include <string_view>

#include "import/capture_import.hpp"

namespace mailsim::import {

enum class LogKind { none, swaks, curl };

// Which program's transcript the text looks like (from its first lines).
LogKind detect_log(std::string_view text);

// The transcript as a trace. An Error when the text is not one (the line
// number where it went wrong).
Result<ImportResult> import_log(std::string_view text, const std::string& name);

}  // namespace mailsim::import

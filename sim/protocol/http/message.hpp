// message.hpp — HTTP/1.1 messages: reading them off a byte stream and
// writing them onto one. RFC 9112 (HTTP/1.1 message syntax), RFC 9110
// (semantics: versions, Content-Length, Connection).
//
// A message is a start line (request-line or status-line), header field
// lines, an empty line and, when its framing says so, a body:
//
//   HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
//
// Unlike SMTP's DATA (ended by a dot) or POP3's multi-line responses, an
// HTTP body is framed by its length, given up front in Content-Length; so
// one connection carries request after request (persistent connections,
// the default in HTTP/1.1; HTTP/1.0 closes after each response unless asked
// to keep the connection alive).
//
// The parsers are push-style: feed() bytes in any pieces, then next() hands
// out each complete message; the result does not depend on how the bytes
// were cut. Lines go through the shared LineFramer (a lone LF is accepted as
// a line end, RFC 9112 §2.2). When input cannot be framed (a bad request
// line, a field line without a colon, a bad Content-Length, lines or a body
// over the limits) the parser stops with a Failure naming the status code a
// server answers with; nothing after it is read, because where the next
// message would start is unknown.
//
// Not done here: chunked transfer coding (a request using it fails with 501;
// a response using it fails the client), trailers, obs-fold (rejected with
// 400 as RFC 9112 §5.2 allows), 1xx interim responses, HTTP/2.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/line_framer.hpp"

namespace mailsim::http {

// Header fields in the order received; names compare case-insensitively.
struct Fields {
    std::vector<std::pair<std::string, std::string>> list;  // (name as written, value without OWS)
    // The first field of that name, or nullptr.
    const std::string* find(std::string_view name) const;
    size_t count(std::string_view name) const;
    void add(std::string name, std::string value) { list.emplace_back(std::move(name), std::move(value)); }
    // Whether a comma-separated field (Connection) holds `token`, case-insensitively.
    bool has_token(std::string_view name, std::string_view token) const;
};

struct Request {
    std::string method;   // case-sensitive token: "GET"
    std::string target;   // request-target as sent: "/inbox"
    int minor = 1;        // HTTP/1.<minor>
    Fields fields;
    std::string body;
    // RFC 9112 §9.3: HTTP/1.1 persists unless "Connection: close";
    // HTTP/1.0 persists only with "Connection: keep-alive".
    bool keep_alive() const;
};

struct Response {
    int status = 200;
    std::string reason;   // "OK"
    int minor = 1;
    Fields fields;
    std::string body;
    bool keep_alive() const;
};

// The message as it goes on the wire: start line, fields, CRLF, body.
std::string write(const Request& r);
std::string write(const Response& r);

// Why input could not be framed, and the status a server answers with.
struct Failure {
    int status = 400;   // 400, 413, 414, 431, 501, 505
    std::string why;    // for people: "field line without a colon"
};

struct ParserLimits {
    size_t start_line = 8000;      // RFC 9112 §3: at least 8000 octets should be read; longer gets 414
    size_t field_section = 8192;   // all field lines together; more gets 431 (RFC 6585 §5)
    size_t body = 1 << 20;         // Content-Length above this gets 413
};

// The parts of a message, in the order they arrive (RFC 9112 §2.1).
enum class Stage { StartLine, FieldLines, MessageBody, Failed };
std::string_view stage_name(Stage s);

// What the two parsers share: lines, field lines, and a body of a known length.
class MessageReader {
public:
    explicit MessageReader(ParserLimits limits);
    virtual ~MessageReader() = default;
    void feed(std::string_view bytes);
    Stage stage() const { return stage_; }
    const std::optional<Failure>& failure() const { return failure_; }
    // Every stage entered since the last call, in order (a session mirrors them).
    std::vector<Stage> take_stages();
    // Bytes fed but not yet part of a message.
    size_t pending() const { return framer_.pending() + body_.size(); }

protected:
    enum class BodyLength { none, counted, until_close };
    // Parses the start line; false after fail().
    virtual bool start_line(std::string_view line) = 0;
    // After the field lines: how the body is framed; false after fail().
    virtual bool framing(const Fields& fields, BodyLength* how, size_t* length) = 0;
    // Reads until a message is complete: true when it is, with fields_ and body_ filled.
    bool advance();
    // The peer closed: a body read until close is complete.
    bool close_ends_body();
    void fail(int status, std::string why);
    bool read_content_length(const Fields& fields, std::optional<size_t>* n);
    void reset_message();
    void set_stage(Stage s);

    ParserLimits limits_;
    Fields fields_;
    std::string body_;
    bool done_ = false;  // a message was handed out; the next call starts the next one

private:
    protocol::LineFramer framer_;
    Stage stage_ = Stage::StartLine;
    std::vector<Stage> stages_;
    std::optional<Failure> failure_;
    size_t field_bytes_ = 0;
    BodyLength how_ = BodyLength::none;
    size_t length_ = 0;
};

class RequestParser : public MessageReader {
public:
    explicit RequestParser(ParserLimits limits = {}) : MessageReader(limits) {}
    // The next complete request, if one has arrived; nullopt also after a failure.
    std::optional<Request> next();

private:
    bool start_line(std::string_view line) override;
    bool framing(const Fields& fields, BodyLength* how, size_t* length) override;
    Request req_;
};

class ResponseParser : public MessageReader {
public:
    explicit ResponseParser(ParserLimits limits = {}) : MessageReader(limits) {}
    // The method of each request sent, in order: a response to HEAD has no body.
    void expect(std::string_view method) { methods_.emplace_back(method); }
    std::optional<Response> next();
    // The server closed the connection: a body read until close ends here.
    std::optional<Response> finish();

private:
    bool start_line(std::string_view line) override;
    bool framing(const Fields& fields, BodyLength* how, size_t* length) override;
    std::optional<Response> complete();
    Response resp_;
    std::deque<std::string> methods_;
};

// IMF-fixdate, the one date format HTTP sends (RFC 9110 §5.6.7):
// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string imf_fixdate(std::int64_t epoch_seconds);

// The standard reason phrase of a status code ("Not Found"), or "".
std::string_view reason_phrase(int status);

// How a trace labels a response with this status: the catalog row's code
// and key ("404", "http.status.404"), or for a status no row lists its
// class ("4xx", "http.status.class.4"). Static storage.
struct StatusLabel {
    std::string_view verb, key;
};
StatusLabel status_label(int status);

}  // namespace mailsim::http

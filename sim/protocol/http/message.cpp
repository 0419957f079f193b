// message.cpp — reading and writing HTTP/1.1 messages; see message.hpp.
#include "protocol/http/message.hpp"

#include <array>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::http {

namespace {

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA        (RFC 9110 §5.6.2)
bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// token = 1*tchar
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

std::string_view trim_ows(std::string_view s) {  // OWS = *( SP / HTAB )
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP"
// Returns the major digit and sets *minor, or -1 when it is not a version.
int parse_version(std::string_view v, int* minor) {
    if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return -1;
    if (v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9') return -1;
    *minor = v[7] - '0';
    return v[5] - '0';
}

// Content-Length = 1*DIGIT. A list of equal values ("5, 5"), from a proxy
// that joined fields, may be read as one (RFC 9110 §8.6); anything else is
// an error that makes the framing unknowable.
std::optional<size_t> content_length(const Fields& fields, bool* present) {
    std::optional<size_t> value;
    *present = false;
    for (const auto& [name, v] : fields.list) {
        if (!iequals(name, "Content-Length")) continue;
        *present = true;
        std::string_view rest = v;
        while (true) {
            size_t comma = rest.find(',');
            std::string_view item = trim_ows(rest.substr(0, comma));
            size_t n = 0;
            auto r = std::from_chars(item.data(), item.data() + item.size(), n);
            if (item.empty() || item.front() == '+' || r.ec != std::errc{} || r.ptr != item.data() + item.size())
                return std::nullopt;
            if (value && *value != n) return std::nullopt;
            value = n;
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }
    return value;
}

void write_fields(std::string& out, const Fields& f) {
    for (const auto& [name, value] : f.list) out += fmt::format("{}: {}\r\n", name, value);
    out += "\r\n";
}

}  // namespace

const std::string* Fields::find(std::string_view name) const {
    for (const auto& [n, v] : list)
        if (iequals(n, name)) return &v;
    return nullptr;
}

size_t Fields::count(std::string_view name) const {
    size_t n = 0;
    for (const auto& f : list) n += iequals(f.first, name);
    return n;
}

bool Fields::has_token(std::string_view name, std::string_view token) const {
    for (const auto& [n, v] : list) {
        if (!iequals(n, name)) continue;
        std::string_view rest = v;
        for (size_t comma; !rest.empty(); rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1)) {
            comma = rest.find(',');
            if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
        }
    }
    return false;
}

bool Request::keep_alive() const {
    return minor >= 1 ? !fields.has_token("Connection", "close") : fields.has_token("Connection", "keep-alive");
}

bool Response::keep_alive() const {
    return minor >= 1 ? !fields.has_token("Connection", "close") : fields.has_token("Connection", "keep-alive");
}

std::string write(const Request& r) {
    std::string out = fmt::format("{} {} HTTP/1.{}\r\n", r.method, r.target, r.minor);
    write_fields(out, r.fields);
    out += r.body;
    return out;
}

std::string write(const Response& r) {
    std::string out = fmt::format("HTTP/1.{} {:03} {}\r\n", r.minor, r.status, r.reason);
    write_fields(out, r.fields);
    out += r.body;
    return out;
}

std::string_view stage_name(Stage s) {
    static constexpr std::string_view names[] = {"StartLine", "FieldLines", "MessageBody", "Failed"};
    static_assert(std::size(names) == static_cast<size_t>(Stage::Failed) + 1);
    return names[static_cast<size_t>(s)];
}

// ---- MessageReader --------------------------------------------------------

MessageReader::MessageReader(ParserLimits limits) : limits_(limits), framer_(limits.start_line + 2) {
    framer_.set_lf_ends_line(true);  // RFC 9112 §2.2: a recipient MAY take a lone LF as a line end
}

void MessageReader::set_stage(Stage s) {
    if (s == stage_) return;
    stage_ = s;
    stages_.push_back(s);
}

std::vector<Stage> MessageReader::take_stages() {
    std::vector<Stage> v;
    v.swap(stages_);
    return v;
}

void MessageReader::fail(int status, std::string why) {
    if (failure_) return;
    failure_ = Failure{status, std::move(why)};
    set_stage(Stage::Failed);
}

void MessageReader::reset_message() {
    fields_ = {};
    body_.clear();
    field_bytes_ = 0;
    how_ = BodyLength::none;
    length_ = 0;
    framer_.set_max_length(limits_.start_line + 2);
}

void MessageReader::feed(std::string_view bytes) {
    if (stage_ == Stage::Failed) return;
    if (stage_ == Stage::MessageBody && how_ == BodyLength::counted) {
        size_t want = length_ - body_.size();
        body_.append(bytes.substr(0, want));
        if (bytes.size() > want) framer_.feed(bytes.substr(want));
    } else if (stage_ == Stage::MessageBody && how_ == BodyLength::until_close) {
        body_.append(bytes);
        if (body_.size() > limits_.body) fail(413, "the body is larger than the limit");
    } else {
        framer_.feed(bytes);
    }
}

bool MessageReader::close_ends_body() { return stage_ == Stage::MessageBody && how_ == BodyLength::until_close; }

bool MessageReader::advance() {
    while (stage_ != Stage::Failed) {
        if (stage_ == Stage::MessageBody) return how_ == BodyLength::counted && body_.size() == length_;
        auto line = framer_.next();
        if (!line) return false;
        if (stage_ == Stage::StartLine) {
            if (line->too_long) {
                fail(414, fmt::format("the start line is longer than {} octets", limits_.start_line));
                return false;
            }
            // RFC 9112 §2.2: empty lines before the request-line are ignored.
            if (line->text.empty()) continue;
            if (!start_line(line->text)) return false;
            set_stage(Stage::FieldLines);
            framer_.set_max_length(limits_.field_section);
            continue;
        }
        // Stage::FieldLines
        field_bytes_ += line->wire_size;
        if (line->too_long || field_bytes_ > limits_.field_section) {
            fail(431, fmt::format("the header fields are larger than {} octets", limits_.field_section));
            return false;
        }
        std::string_view text = line->text;
        if (text.empty()) {  // the empty line: the field section is over
            if (!framing(fields_, &how_, &length_)) return false;
            if (how_ == BodyLength::none || (how_ == BodyLength::counted && length_ == 0)) return true;
            set_stage(Stage::MessageBody);
            body_ = framer_.take_rest();
            if (how_ == BodyLength::counted && body_.size() > length_) {
                framer_.feed(std::string_view(body_).substr(length_));
                body_.resize(length_);
            }
            if (how_ == BodyLength::until_close && body_.size() > limits_.body) {
                fail(413, "the body is larger than the limit");
                return false;
            }
            continue;
        }
        // field-line = field-name ":" OWS field-value OWS    (RFC 9112 §5)
        if (text.front() == ' ' || text.front() == '\t') {
            fail(400, "a field line starts with white space (obsolete line folding, RFC 9112 §5.2)");
            return false;
        }
        size_t colon = text.find(':');
        if (colon == std::string_view::npos) {
            fail(400, "a field line without a colon");
            return false;
        }
        std::string_view name = text.substr(0, colon);
        if (!is_token(name)) {  // includes "Host : x": no white space before the colon (§5.1)
            fail(400, "a field name that is not a token (white space before the colon?)");
            return false;
        }
        std::string_view value = trim_ows(text.substr(colon + 1));
        for (char c : value)
            if (c == '\r' || c == '\0') {
                fail(400, "a field value holding CR or NUL");
                return false;
            }
        fields_.add(std::string(name), std::string(value));
    }
    return false;
}

// ---- RequestParser --------------------------------------------------------

// request-line   = method SP request-target SP HTTP-version
// method         = token
bool RequestParser::start_line(std::string_view line) {
    req_ = {};
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        fail(400, "the request line is not: method SP request-target SP HTTP-version");
        return false;
    }
    std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(method)) {
        fail(400, "the method is not a token");
        return false;
    }
    if (target.empty()) {
        fail(400, "an empty request-target");
        return false;
    }
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 32 || c == 127) {
            fail(400, "a control character in the request-target");
            return false;
        }
    int major = parse_version(version, &req_.minor);
    if (major < 0) {
        fail(400, "not an HTTP-version: HTTP/DIGIT.DIGIT");
        return false;
    }
    if (major != 1) {
        fail(505, fmt::format("HTTP/{} is not supported, only HTTP/1.x", major));
        return false;
    }
    if (req_.minor > 1) req_.minor = 1;  // RFC 9110 §2.5: a higher minor version is read as the highest we know
    req_.method = std::string(method);
    req_.target = std::string(target);
    return true;
}

// Content-Length, if present, must be one number (RFC 9112 §6.3 (5));
// false after fail(). Request and response framing both start here.
bool MessageReader::read_content_length(const Fields& fields, std::optional<size_t>* n) {
    bool present = false;
    *n = content_length(fields, &present);
    if (present && !*n) {
        fail(400, "a Content-Length that is not one number");
        return false;
    }
    return true;
}

// RFC 9112 §6.3, for a request: Transfer-Encoding, else Content-Length, else no body.
bool RequestParser::framing(const Fields& fields, BodyLength* how, size_t* length) {
    if (fields.find("Transfer-Encoding")) {
        fail(501, "Transfer-Encoding (chunked) is not implemented by this server");
        return false;
    }
    std::optional<size_t> n;
    if (!read_content_length(fields, &n)) return false;
    if (n && *n > limits_.body) {
        fail(413, fmt::format("Content-Length {} is larger than {} octets", *n, limits_.body));
        return false;
    }
    *how = n ? BodyLength::counted : BodyLength::none;
    *length = n.value_or(0);
    return true;
}

std::optional<Request> RequestParser::next() {
    if (done_) {  // the message handed out last time: start the next one
        done_ = false;
        reset_message();
        set_stage(Stage::StartLine);
    }
    if (!advance()) return std::nullopt;
    done_ = true;
    Request r = std::move(req_);
    r.fields = std::move(fields_);
    r.body = std::move(body_);
    return r;
}

// ---- ResponseParser -------------------------------------------------------

// status-line = HTTP-version SP status-code SP [ reason-phrase ]
// status-code = 3DIGIT
bool ResponseParser::start_line(std::string_view line) {
    resp_ = {};
    int major = parse_version(line.substr(0, 8), &resp_.minor);
    if (major != 1 || line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
        fail(400, "not a status line: HTTP-version SP status-code SP reason-phrase");
        return false;
    }
    for (size_t i = 9; i < 12; ++i)
        if (line[i] < '0' || line[i] > '9') {
            fail(400, "the status code is not three digits");
            return false;
        }
    resp_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    resp_.reason = line.size() > 13 ? std::string(line.substr(13)) : std::string();
    return true;
}

// RFC 9112 §6.3, for a response: none after HEAD and for 1xx, 204 and 304;
// Transfer-Encoding; Content-Length; else the body runs until the close.
bool ResponseParser::framing(const Fields& fields, BodyLength* how, size_t* length) {
    std::string method = methods_.empty() ? std::string() : methods_.front();
    *length = 0;
    if (method == "HEAD" || resp_.status / 100 == 1 || resp_.status == 204 || resp_.status == 304) {
        *how = BodyLength::none;
        return true;
    }
    if (fields.find("Transfer-Encoding")) {
        fail(501, "a response in Transfer-Encoding (chunked), which this client does not read");
        return false;
    }
    std::optional<size_t> n;
    if (!read_content_length(fields, &n)) return false;
    if (n && *n > limits_.body) {
        fail(413, "the response body is larger than the limit");
        return false;
    }
    *how = n ? BodyLength::counted : BodyLength::until_close;
    *length = n.value_or(0);
    return true;
}

std::optional<Response> ResponseParser::complete() {
    done_ = true;
    if (!methods_.empty()) methods_.pop_front();
    Response r = std::move(resp_);
    r.fields = std::move(fields_);
    r.body = std::move(body_);
    return r;
}

std::optional<Response> ResponseParser::next() {
    if (done_) {
        done_ = false;
        reset_message();
        set_stage(Stage::StartLine);
    }
    if (!advance()) return std::nullopt;
    return complete();
}

std::optional<Response> ResponseParser::finish() {
    if (done_ || !close_ends_body()) return std::nullopt;
    return complete();
}

std::string imf_fixdate(std::int64_t epoch_seconds) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string_view reason_phrase(int status) {
    char code[4];
    fmt::format_to_n(code, 3, "{:03}", status);
    code[3] = '\0';
    const catalog::ReplyRow* row = catalog::find_reply("http", std::string_view(code, 3));
    return row ? row->text : std::string_view{};
}

StatusLabel status_label(int status) {
    char code[4];
    fmt::format_to_n(code, 3, "{:03}", status);
    if (const catalog::ReplyRow* row = catalog::find_reply("http", std::string_view(code, 3))) return {row->code, row->key};
    static constexpr std::string_view classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    static constexpr std::string_view keys[] = {"http.status.class.1", "http.status.class.2", "http.status.class.3",
                                                "http.status.class.4", "http.status.class.5"};
    const size_t c = static_cast<size_t>(status / 100 - 1) % 5;
    return {classes[c], keys[c]};
}

}  // namespace mailsim::http

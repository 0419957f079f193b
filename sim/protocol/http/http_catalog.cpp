// http_catalog.cpp — HTTP's methods and status codes as data: the methods a
// browser sends and a student meets, and every status code the webmail
// server answers with, plus the classic ones (201). RFC 9110 (semantics),
// RFC 5789 (PATCH), RFC 6585 (431). Texts: sim/text/{en,zh}.json.
#include <array>

#include "protocol/catalog.hpp"

namespace mailsim::catalog {

namespace {

constexpr std::array<CommandRow, 9> kHttpCommands{{
    {"http", "GET", "GET SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.1", Origin::http, "http.method.GET"},
    {"http", "HEAD", "HEAD SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.2", Origin::http,
     "http.method.HEAD"},
    {"http", "POST", "POST SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.3", Origin::http,
     "http.method.POST"},
    {"http", "PUT", "PUT SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.4", Origin::http, "http.method.PUT"},
    {"http", "DELETE", "DELETE SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.5", Origin::http,
     "http.method.DELETE"},
    {"http", "CONNECT", "CONNECT SP host:port SP HTTP-version CRLF", "RFC 9110 §9.3.6", Origin::http,
     "http.method.CONNECT"},
    {"http", "OPTIONS", "OPTIONS SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.7", Origin::http,
     "http.method.OPTIONS"},
    {"http", "TRACE", "TRACE SP request-target SP HTTP-version CRLF", "RFC 9110 §9.3.8", Origin::http,
     "http.method.TRACE"},
    {"http", "PATCH", "PATCH SP request-target SP HTTP-version CRLF", "RFC 5789 §2", Origin::http,
     "http.method.PATCH"},
}};

constexpr std::array<ReplyRow, 22> kHttpReplies{{
    {"http", "200", "OK", "RFC 9110 §15.3.1", false, "http.status.200", ReplyClass::completion},
    {"http", "201", "Created", "RFC 9110 §15.3.2", false, "http.status.201", ReplyClass::completion},
    {"http", "204", "No Content", "RFC 9110 §15.3.5", false, "http.status.204", ReplyClass::completion},
    {"http", "301", "Moved Permanently", "RFC 9110 §15.4.2", false, "http.status.301", ReplyClass::intermediate},
    {"http", "302", "Found", "RFC 9110 §15.4.3", false, "http.status.302", ReplyClass::intermediate},
    {"http", "303", "See Other", "RFC 9110 §15.4.4", false, "http.status.303", ReplyClass::intermediate},
    {"http", "304", "Not Modified", "RFC 9110 §15.4.5", false, "http.status.304", ReplyClass::intermediate},
    {"http", "400", "Bad Request", "RFC 9110 §15.5.1", false, "http.status.400", ReplyClass::transient},
    {"http", "401", "Unauthorized", "RFC 9110 §15.5.2", false, "http.status.401", ReplyClass::transient},
    {"http", "403", "Forbidden", "RFC 9110 §15.5.4", false, "http.status.403", ReplyClass::transient},
    {"http", "404", "Not Found", "RFC 9110 §15.5.5", false, "http.status.404", ReplyClass::transient},
    {"http", "405", "Method Not Allowed", "RFC 9110 §15.5.6", false, "http.status.405", ReplyClass::transient},
    {"http", "411", "Length Required", "RFC 9110 §15.5.12", false, "http.status.411", ReplyClass::transient},
    {"http", "413", "Content Too Large", "RFC 9110 §15.5.14", false, "http.status.413", ReplyClass::transient},
    {"http", "414", "URI Too Long", "RFC 9110 §15.5.15", false, "http.status.414", ReplyClass::transient},
    {"http", "415", "Unsupported Media Type", "RFC 9110 §15.5.16", false, "http.status.415", ReplyClass::transient},
    {"http", "431", "Request Header Fields Too Large", "RFC 6585 §5", false, "http.status.431", ReplyClass::transient},
    {"http", "500", "Internal Server Error", "RFC 9110 §15.6.1", false, "http.status.500", ReplyClass::permanent},
    {"http", "501", "Not Implemented", "RFC 9110 §15.6.2", false, "http.status.501", ReplyClass::permanent},
    {"http", "502", "Bad Gateway", "RFC 9110 §15.6.3", false, "http.status.502", ReplyClass::permanent},
    {"http", "503", "Service Unavailable", "RFC 9110 §15.6.4", false, "http.status.503", ReplyClass::permanent},
    {"http", "505", "HTTP Version Not Supported", "RFC 9110 §15.6.6", false, "http.status.505", ReplyClass::permanent},
}};

}  // namespace

std::span<const CommandRow> http_command_rows() { return kHttpCommands; }
std::span<const ReplyRow> http_reply_rows() { return kHttpReplies; }

}  // namespace mailsim::catalog

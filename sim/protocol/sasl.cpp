// sasl.cpp — see sasl.hpp.
#include "protocol/sasl.hpp"

#include <vector>

#include "codec/base64.hpp"
#include "core/ascii.hpp"

namespace mailsim::protocol {

bool sasl_mechanism_name(std::string_view word) {
    static constexpr std::string_view kUsual[] = {"plain", "login", "cram-md5", "digest-md5", "xoauth2", "oauthbearer",
                                                  "scram-sha-1", "scram-sha-256", "gssapi", "ntlm", "external", "anonymous"};
    for (auto u : kUsual)
        if (iequals(word, u)) return true;
    if (word.empty() || word.size() > 20) return false;
    for (char c : word)
        if (!(ascii_digit(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
    return true;
}

SaslPlain decode_sasl_plain(std::string_view base64) {
    SaslPlain p;
    std::vector<codec::CodecError> errors;
    const std::string message = codec::base64_decode(base64, &errors);
    p.base64 = errors.empty();
    const size_t nul1 = message.find('\0');
    const size_t nul2 = nul1 == std::string::npos ? nul1 : message.find('\0', nul1 + 1);
    p.whole = p.base64 && nul2 != std::string::npos;
    if (!p.whole) return p;
    p.authzid = message.substr(0, nul1);
    p.authcid = message.substr(nul1 + 1, nul2 - nul1 - 1);
    p.password = message.substr(nul2 + 1);
    return p;
}

}  // namespace mailsim::protocol

// fuzz_decoders.cpp — base64, quoted-printable, RFC 2047 and RFC 2231 decoding on
// arbitrary bytes, whole and in two pieces: same result, no crash; and
// encode → decode gives the input back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "codec/base64.hpp"
#include "codec/encoded_word.hpp"
#include "codec/quoted_printable.hpp"
#include "codec/rfc2231.hpp"

using namespace mailsim::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string in(reinterpret_cast<const char*>(data), size);
    std::string whole = base64_decode(in);
    Base64Decoder d;
    d.feed(std::string_view(in).substr(0, size / 2));
    d.feed(std::string_view(in).substr(size / 2));
    if (d.finish() != whole) std::abort();
    if (base64_decode(base64_encode(in)) != in) std::abort();
    qp_decode(in);
    if (qp_decode(qp_encode(in, true)) != in) std::abort();
    decode_words(in);
    // RFC 2231: the input as an extended value, and split into two sections out of order.
    decode_extended_value(in);
    parameter_value({{"filename*1*", in.substr(size / 2)}, {"filename*0*", in.substr(0, size / 2)}}, "filename");
    explain_base64(in.substr(0, 64));
    explain_qp(in.substr(0, 64));
    return 0;
}

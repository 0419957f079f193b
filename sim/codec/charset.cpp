// charset.cpp — iconv, wrapped so that errors say where.
#include "codec/charset.hpp"

#include <iconv.h>

#include <cerrno>

#include <fmt/format.h>

namespace mailsim::codec {

Result<std::string> convert_charset(std::string_view input, std::string_view from, std::string_view to) {
    std::string f(from), t(to);
    iconv_t cd = ::iconv_open(t.c_str(), f.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return Error{"charset", fmt::format("cannot convert from \"{}\" to \"{}\": unknown charset", f, t)};
    }
    std::string out;
    out.resize(input.size() * 4 + 16);
    char* in_ptr = const_cast<char*>(input.data());
    size_t in_left = input.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    std::optional<Error> error;
    while (in_left > 0) {
        size_t r = ::iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
        if (r != static_cast<size_t>(-1)) break;
        size_t offset = input.size() - in_left;
        if (errno == E2BIG) {
            size_t used = out.size() - out_left;
            out.resize(out.size() * 2);
            out_ptr = out.data() + used;
            out_left = out.size() - used;
            continue;
        }
        if (errno == EILSEQ)
            error = Error{fmt::format("byte {}", offset),
                          fmt::format("byte 0x{:02X} does not start a valid {} character (or it has no {} form)",
                                      static_cast<unsigned char>(input[offset]), f, t)};
        else
            error = Error{fmt::format("byte {}", offset), fmt::format("the input ends inside a {} character", f)};
        break;
    }
    ::iconv_close(cd);
    if (error) return *error;
    out.resize(out.size() - out_left);
    return out;
}

}  // namespace mailsim::codec

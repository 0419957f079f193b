// file_io.cpp — whole-file reads and atomic writes.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace mailsim {

std::optional<Error> write_file_atomically(const std::string& path, std::string_view content) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Error{path, std::string("cannot create temporary file: ") + std::strerror(errno)};
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return Error{path, std::string("cannot write: ") + std::strerror(err)};
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{path, std::string("cannot write: ") + std::strerror(err)};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{path, std::string("cannot rename temporary file into place: ") + std::strerror(err)};
    }
    return std::nullopt;
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{path, std::string("cannot open: ") + std::strerror(errno)};
    // One allocation of the file's size and one read: traces run to hundreds
    // of MiB, and growing a buffer copies them again and again.
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && std::filesystem::is_regular_file(path, ec)) {
        std::string text(static_cast<size_t>(size), '\0');
        in.read(text.data(), static_cast<std::streamsize>(size));
        if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != size) return Error{path, "read error"};
        return text;
    }
    std::ostringstream ss;  // a pipe or a device: read until the end
    ss << in.rdbuf();
    if (in.bad()) return Error{path, "read error"};
    return ss.str();
}

}  // namespace mailsim

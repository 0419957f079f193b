// file_io.cpp — whole-file reads and atomic writes: the one writer for
// every file mailsim and mailsim-gui save (traces, handouts, PNGs).
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace mailsim {

namespace {

std::string system_error(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

// The directory holding path, for the temporary file and the fsync after the rename.
std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The process's umask, without changing it even for a moment (another
// thread may be creating a file): Linux shows it in /proc/self/status.
mode_t current_umask() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

}  // namespace

// The temporary file gets an unpredictable name and is created with O_EXCL
// (mkostemp), so a file or symlink planted beside the target is never
// followed or overwritten. It takes the mode of the file it replaces, or
// 0666 less the umask for a new one, as open(O_CREAT) would; it is flushed,
// renamed over the target, and then the directory is flushed so that the
// rename itself survives a crash. On any failure the temporary file is
// removed and the old file is untouched.
std::optional<Error> write_file_atomically(const std::string& path, std::string_view content) {
    std::string tmp = path + ".tmp.XXXXXX";
    int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0) return Error{path, system_error("cannot create temporary file", errno)};
    auto fail = [&](const char* what, int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return Error{path, system_error(what, err)};
    };
    struct stat old {};
    mode_t mode;
    if (::stat(path.c_str(), &old) == 0) {
        mode = old.st_mode & 07777;
    } else {
        mode = 0666 & ~current_umask();
    }
    if (::fchmod(fd, mode) != 0) return fail("cannot set the file mode", errno);
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write", errno);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot write", errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{path, system_error("cannot write", err)};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Error{path, system_error("cannot rename temporary file into place", err)};
    }
    int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {  // the file is in place; a directory that cannot be opened only loses durability
        int rc = ::fsync(dir);
        int err = errno;
        ::close(dir);
        if (rc != 0 && err != EINVAL) return Error{path, system_error("cannot flush the directory", err)};
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

// allocator.cpp — giving a large buffer's pages back at once.
#include "core/allocator.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace mailsim {

void release(std::string& s) {
    constexpr size_t kFrom = 256 * 1024;
    if (s.capacity() >= kFrom) {
        // Whole pages inside the buffer only, past its first (where the
        // allocator may keep a word of its own once the buffer is freed).
        static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
        const auto start = reinterpret_cast<std::uintptr_t>(s.data());
        const std::uintptr_t begin = (start + 2 * page - 1) & ~(page - 1);
        const std::uintptr_t end = (start + s.capacity()) & ~(page - 1);
        if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
    }
    std::string().swap(s);
}

}  // namespace mailsim

// allocator.cpp — giving a large buffer's pages back at once.
#include "core/allocator.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

namespace mailsim {

namespace {

// Whether the kernel can hand out hugetlb pages of any size (a pool, or
// pages it may make on demand). mimalloc with large OS pages maps them when
// it can (MAP_HUGETLB); on such a mapping MADV_DONTNEED works in whole huge
// pages, which may hold other allocations: then release() only frees.
// Asked once, at the first release().
bool hugetlb_pool() {
    std::error_code ec;
    for (const auto& size : std::filesystem::directory_iterator("/sys/kernel/mm/hugepages", ec))
        for (const char* file : {"nr_hugepages", "nr_overcommit_hugepages"}) {
            std::ifstream in(size.path() / file);
            long pages = 0;
            if (in >> pages && pages > 0) return true;
        }
    return false;
}

}  // namespace

void release(std::string& s) {
    constexpr size_t kFrom = 256 * 1024;
    static const bool pages_may_be_huge = hugetlb_pool();
    if (s.capacity() >= kFrom && !pages_may_be_huge) {
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

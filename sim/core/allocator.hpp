// allocator.hpp — how the programs set up their allocator.
#pragma once

#include <string>

#if defined(MAILSIM_MIMALLOC)
#include <mimalloc.h>
#endif

namespace mailsim {

// The programs link Debian's mimalloc (not under the sanitizers). Its heap
// then grows in 2 MiB pages (transparent huge pages, where the kernel has
// them) rather than 4 KiB ones: a long simulation touches tens of thousands
// of fresh pages, and on a virtual machine each first touch is a trip to
// the hypervisor: bench_relay's 100,000 messages take 8,200 page faults
// instead of 33,000, and it ran 7–25 % faster so in runs here. Call it
// first thing in main().
inline void configure_allocator() {
#if defined(MAILSIM_MIMALLOC)
    mi_option_set_enabled(mi_option_large_os_pages, true);
#endif
}

// Empties `s`, first giving the pages of a large buffer (256 KiB and up)
// back to the system. The allocator keeps what is freed for a while before
// it returns it (mimalloc: 25 ms), which costs nothing at a simulation's
// pace; but the capture importer goes through buffers of megabytes at
// hundreds of MB/s, and a stream of 300 MiB imported with its events
// dropped as they came peaked at 45 MiB resident, 9 of them freed buffers
// waiting. The pages given back read as zeros if the allocator hands the
// memory out again. On a machine that can hand out hugetlb pages
// (nr_hugepages or nr_overcommit_hugepages > 0 for a size, where mimalloc
// may map 2 MiB pages that other allocations share) it only frees.
void release(std::string& s);

}  // namespace mailsim

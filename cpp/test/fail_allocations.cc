// fail_allocations.cc: FailAllocations (testing.h), by replacing the global
// operator new of the unit-test binary with one that can be told to fail.
// Only the unit tests link it; operator delete is replaced to match, so the
// pair stays malloc/free, as AddressSanitizer checks.

#include <cstdlib>
#include <new>

#include "testing.h"

namespace {

thread_local bool fail_allocations = false;

}  // namespace

namespace envoy_dm::testing {

FailAllocations::FailAllocations() { fail_allocations = true; }
FailAllocations::~FailAllocations() { fail_allocations = false; }

}  // namespace envoy_dm::testing

void* operator new(std::size_t size) {
  if (fail_allocations) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }

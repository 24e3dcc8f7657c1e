# ctest: libcpp_module.so must export exactly the HTTP-filter hooks abi/abi.h
# declares (envoy_dynamic_module_on_*), no more (docs/CONTRACT.md) and no fewer
# (Envoy refuses a module with a missing hook only when it loads it). The
# hooks of the other kinds (network, listener and UDP listener filters) are the
# Rust module's only, and so is the optional local_reply hook.
#
#   cmake -DNM=nm -DLIBRARY=libcpp_module.so -DHEADER=abi/abi.h -P check_exports.cmake

file(READ "${HEADER}" header)
string(REGEX MATCHALL "envoy_dynamic_module_on_[a-z_]+\\(" declared "${header}")
list(TRANSFORM declared REPLACE "\\($" "")
list(FILTER declared INCLUDE REGEX "^envoy_dynamic_module_on_(program_init|http_filter_)")
# Optional in Envoy 1.40 (looked up, not required); only the Rust SDK has it.
list(FILTER declared EXCLUDE REGEX "^envoy_dynamic_module_on_http_filter_local_reply$")
list(REMOVE_DUPLICATES declared)
list(SORT declared)

execute_process(
  COMMAND "${NM}" -D --defined-only --format=posix "${LIBRARY}"
  OUTPUT_VARIABLE nm_output
  RESULT_VARIABLE nm_result)
if(NOT nm_result EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${nm_output}")
set(exported "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE " .*" "" name "${line}")
  list(APPEND exported "${name}")
endforeach()
list(SORT exported)

list(LENGTH declared declared_count)
list(LENGTH exported exported_count)
if(NOT declared STREQUAL exported)
  set(extra "${exported}")
  list(REMOVE_ITEM extra ${declared})
  set(missing "${declared}")
  list(REMOVE_ITEM missing ${exported})
  message(FATAL_ERROR "exports differ from abi.h's ${declared_count} hooks:\n"
                      "  missing: ${missing}\n  extra: ${extra}")
endif()
message(STATUS "${LIBRARY} exports exactly the ${exported_count} hooks of abi.h")

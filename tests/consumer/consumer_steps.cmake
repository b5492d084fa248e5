# Steps the packaging checks (check_install.cmake, check_embedded.cmake) share.
#
# The consumers compile without optimisation (build type None: no flags): they check that
# owostack builds, links and runs there, not how fast, and -O0 halves what compiling the SDK in
# them costs. Every consumer build goes through one compiler cache of the packaging tests' own
# (CACHE_DIR, empty on a fresh build tree; the caller's ccache settings do not apply), so the
# SDK objects that the find_package, add_subdirectory and FetchContent checks would each compile
# identically are compiled once per Asio configuration and reused by the others.
if(LAUNCHER MATCHES "ccache$" AND CACHE_DIR)
  set(ENV{CCACHE_DIR} ${CACHE_DIR})
  unset(ENV{CCACHE_DISABLE})
endif()

# owo_configure_and_build(source binary [cmake -D args...])
function(owo_configure_and_build source binary)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${source} -B ${binary} -DCMAKE_BUILD_TYPE=None
                          -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER} ${ARGN}
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "configure of ${source} failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${binary} -j2 RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "build of ${source} failed")
  endif()
endfunction()

# owo_run_consumer(program [TRACKING]): runs it against a fresh owostack-local (RUNNER:
# scripts/with-local-server.sh). TRACKING: its handler tracking must show in what it printed.
function(owo_run_consumer program)
  cmake_parse_arguments(R "TRACKING" "" "" ${ARGN})
  execute_process(COMMAND ${RUNNER} -- ${program} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT R_TRACKING)
    message("${err}")
  endif()
  if(rc)
    message(FATAL_ERROR "${program} failed (${rc}): ${err}")
  endif()
  if(R_TRACKING)
    string(REGEX MATCHALL "@asio\\|[^\n]*" tracked "${err}")
    list(LENGTH tracked count)
    if(count EQUAL 0)
      message(FATAL_ERROR "${program} ran without handler tracking output")
    endif()
    message("${program}: ${count} handler tracking lines")
  endif()
endfunction()

# What the add_subdirectory and FetchContent consumers share, once owostack's source is part of
# their build: the check that the SDK's own tests, examples, benchmarks, server and command line
# stayed out of it, and the programs (programs/consumers.cmake).
foreach(option OWOSTACK_BUILD_SERVER OWOSTACK_BUILD_TESTS OWOSTACK_BUILD_EXAMPLES OWOSTACK_BUILD_BENCH OWOSTACK_BUILD_CLI)
  if(${option})
    message(FATAL_ERROR "${option} is ON in a project that embeds owostack: it must default OFF there")
  endif()
endforeach()
foreach(target owostack-local owostack_cli seats blocking sdk_integration_tests owostack_bench owostack_test_support)
  if(TARGET ${target})
    message(FATAL_ERROR "the embedded owostack defined its own target ${target}")
  endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/../programs/consumers.cmake)

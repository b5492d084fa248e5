# ctest step: configure and build a consumer project that compiles owostack from its source
# (PROJECT_DIR: subdirectory/ or fetchcontent/), check that none of the SDK's own executables
# were built, then run its programs against a fresh owostack-local (RUNNER:
# with-local-server.sh). Twice: as it comes (default and separately compiled Asio), and with
# OWOSTACK_ASIO_DEFINITIONS=BOOST_ASIO_ENABLE_HANDLER_TRACKING (the consumer with handler tracking).
include(${CMAKE_CURRENT_LIST_DIR}/consumer_steps.cmake)
file(REMOVE_RECURSE ${WORK})
foreach(config default tracking)
  set(args -DOWOSTACK_SOURCE_DIR=${SOURCE_DIR})
  if(config STREQUAL "tracking")
    list(APPEND args -DOWOSTACK_ASIO_DEFINITIONS=BOOST_ASIO_ENABLE_HANDLER_TRACKING -DOWO_CONSUMER_TRACKING=ON)
  endif()
  owo_configure_and_build(${PROJECT_DIR} ${WORK}/${config} ${args})
  file(GLOB_RECURSE built LIST_DIRECTORIES false ${WORK}/${config}/*owostack-local ${WORK}/${config}/*_tests ${WORK}/${config}/*/examples/*)
  if(built)
    message(FATAL_ERROR "the consumer's build made the SDK's own programs: ${built}")
  endif()
endforeach()
owo_run_consumer(${WORK}/default/consumer_default)
owo_run_consumer(${WORK}/default/consumer_separate)
owo_run_consumer(${WORK}/tracking/consumer_tracking TRACKING)

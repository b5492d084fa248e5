# The consumer programs, built from programs/calls.cpp once owostack::owostack is available
# (find_package, add_subdirectory or FetchContent). Each compiles with -Wall -Wextra -Werror and
# links only owostack::owostack; what differs is the consumer's own Asio configuration:
#   consumer_default    no Asio settings of its own: the default path
#   consumer_separate   BOOST_ASIO_SEPARATE_COMPILATION, Asio compiled in its own asio_impl.cpp
#   consumer_tracking   BOOST_ASIO_ENABLE_HANDLER_TRACKING (OWO_CONSUMER_TRACKING=ON): it
#                       changes Asio's types, so owostack must be built with the same macro
#                       (OWOSTACK_ASIO_DEFINITIONS), and then hands it on to the consumer itself
option(OWO_CONSUMER_TRACKING "Build the consumer with Asio handler tracking" OFF)
set(owo_consumer_programs ${CMAKE_CURRENT_LIST_DIR})

function(owo_consumer name)
  add_executable(${name} ${owo_consumer_programs}/calls.cpp ${ARGN})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
  target_link_libraries(${name} PRIVATE owostack::owostack)
endfunction()

if(OWO_CONSUMER_TRACKING)
  get_target_property(owostack_definitions owostack::owostack INTERFACE_COMPILE_DEFINITIONS)
  if(NOT "BOOST_ASIO_ENABLE_HANDLER_TRACKING" IN_LIST owostack_definitions)
    message(FATAL_ERROR "owostack::owostack was not built with BOOST_ASIO_ENABLE_HANDLER_TRACKING (its definitions: ${owostack_definitions})")
  endif()
  owo_consumer(consumer_tracking)
  target_compile_definitions(consumer_tracking PRIVATE BOOST_ASIO_ENABLE_HANDLER_TRACKING)
else()
  owo_consumer(consumer_default)
  owo_consumer(consumer_separate ${owo_consumer_programs}/asio_impl.cpp)
  target_compile_definitions(consumer_separate PRIVATE BOOST_ASIO_SEPARATE_COMPILATION)
endif()

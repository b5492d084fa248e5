# owo_boost_pch(target): precompiles the Boost headers most of this project's server and test
# files include (Asio, Beast's HTTP, Boost.JSON; Boost.Test for a test), so each of the
# target's files stops parsing them again: most of their compile time on a clean build
# (docs/architecture.md, "Build time"). Only for targets of several files: the header costs
# about one file's compile to make. Never on the installed library, whose consumers compile it
# in their own settings. Boost.Test's main (a file defining BOOST_TEST_MODULE before the include)
# is left out of the precompiled header.
set(OWO_BOOST_PCH_HEADERS
  <boost/asio/as_tuple.hpp> <boost/asio/co_spawn.hpp> <boost/asio/detached.hpp>
  <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/asio/ssl/context.hpp>
  <boost/asio/ssl/stream.hpp> <boost/asio/steady_timer.hpp> <boost/asio/use_awaitable.hpp>
  <boost/beast/core/flat_buffer.hpp> <boost/beast/core/tcp_stream.hpp>
  <boost/beast/http/read.hpp> <boost/beast/http/string_body.hpp> <boost/beast/http/write.hpp>
  <boost/json/array.hpp> <boost/json/object.hpp> <boost/json/parse.hpp>
  <boost/json/serialize.hpp> <boost/json/value.hpp>)

function(owo_boost_pch target)
  cmake_parse_arguments(P "TEST" "" "" ${ARGN})
  set(headers ${OWO_BOOST_PCH_HEADERS})
  if(P_TEST)
    list(APPEND headers <boost/test/unit_test.hpp>)
    get_target_property(sources ${target} SOURCES)
    foreach(source IN LISTS sources)
      if(source MATCHES "(^|/)main\\.cpp$")
        set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
      endif()
    endforeach()
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

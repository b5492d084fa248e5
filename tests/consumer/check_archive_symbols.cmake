# ctest step: libowostack.a (ARCHIVE) must not define any Asio, Asio.SSL or Beast function or
# variable strongly (T, D, R, B): those come from owostack::asio_impl, or from a consumer's own
# compiled Asio. Template instances the SDK's code makes are weak (W, V, u) and may stay.
execute_process(COMMAND ${NM} -C --defined-only ${ARCHIVE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "${NM} failed on ${ARCHIVE}: ${err}")
endif()
string(REGEX MATCHALL "[^\n]* [TDRB] boost::(asio|beast)::[^\n]*" strong "${symbols}")
list(LENGTH strong count)
if(count)
  list(SUBLIST strong 0 20 first)
  list(JOIN first "\n  " shown)
  message(FATAL_ERROR "${ARCHIVE} defines ${count} Asio/Beast symbol(s) strongly, e.g.:\n  ${shown}")
endif()
# The check would pass on an empty or unreadable archive: make sure it saw the SDK itself.
if(NOT symbols MATCHES " T owo::client::")
  message(FATAL_ERROR "${ARCHIVE} does not define owo::client: not the SDK's library?")
endif()
message(STATUS "${ARCHIVE}: no strong Asio/Beast definitions")

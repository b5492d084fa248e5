# ctest step: configure and build a consumer project that compiles owostack from its source
# (PROJECT_DIR: subdirectory/ or fetchcontent/), check that none of the SDK's own executables
# were built, then run the consumer against a fresh owostack-local (RUNNER: with-local-server.sh).
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${WORK} -DCMAKE_BUILD_TYPE=Release
                        -DOWOSTACK_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer configure failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} -j2 RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer build failed")
endif()
file(GLOB_RECURSE built LIST_DIRECTORIES false ${WORK}/*owostack-local ${WORK}/*_tests ${WORK}/*/examples/*)
if(built)
  message(FATAL_ERROR "the consumer's build made the SDK's own programs: ${built}")
endif()
execute_process(COMMAND ${RUNNER} -- ${WORK}/consumer RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer run failed")
endif()

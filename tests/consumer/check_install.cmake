# ctest step: install the build tree into a fresh prefix, then configure, build and run the
# consumer programs against it with find_package (default and separately compiled Asio); the
# pkg-config file must be there too. Then the consumer with Asio handler tracking: owostack built
# (library only) and installed with OWOSTACK_ASIO_DEFINITIONS=BOOST_ASIO_ENABLE_HANDLER_TRACKING,
# which the installed package hands on to it.
include(${CMAKE_CURRENT_LIST_DIR}/consumer_steps.cmake)
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed")
endif()
file(GLOB_RECURSE pc ${WORK}/prefix/*/pkgconfig/owostack.pc)
if(NOT pc)
  message(FATAL_ERROR "owostack.pc not installed")
endif()
# SANITIZE_FLAGS: set when the SDK was built with OWOSTACK_SANITIZE (its objects need the runtime).
set(sanitize_args)
if(SANITIZE_FLAGS)
  set(sanitize_args "-DCMAKE_CXX_FLAGS=${SANITIZE_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZE_FLAGS}")
endif()
owo_configure_and_build(${PROJECT_DIR} ${WORK}/build -DCMAKE_PREFIX_PATH=${WORK}/prefix ${sanitize_args})
owo_run_consumer(${WORK}/build/consumer_default)
owo_run_consumer(${WORK}/build/consumer_separate)

owo_configure_and_build(${SOURCE_DIR} ${WORK}/tracking-build -DOWOSTACK_ASIO_DEFINITIONS=BOOST_ASIO_ENABLE_HANDLER_TRACKING
                        -DOWOSTACK_BUILD_SERVER=OFF -DOWOSTACK_BUILD_TESTS=OFF -DOWOSTACK_BUILD_EXAMPLES=OFF
                        -DOWOSTACK_BUILD_BENCH=OFF -DOWOSTACK_BUILD_CLI=OFF)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK}/tracking-build --prefix ${WORK}/tracking-prefix RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install of the handler-tracking build failed")
endif()
owo_configure_and_build(${PROJECT_DIR} ${WORK}/tracking-consumer -DCMAKE_PREFIX_PATH=${WORK}/tracking-prefix -DOWO_CONSUMER_TRACKING=ON)
owo_run_consumer(${WORK}/tracking-consumer/consumer_tracking TRACKING)

# Helpers shared by every part of the build.

# Flags for user programs: static musl binaries.
set(NTO_USER_CFLAGS -O2 -g -Wall -Wextra -Werror -std=gnu11)

# nto_program(<name> SOURCES <files...> [NATIVE] [STATIC_PIE])
#   A user program built with musl-gcc, static (or static-pie). NATIVE links
#   libneutrino (the native kernel-call stubs) and adds its headers.
function(nto_program name)
  cmake_parse_arguments(P "NATIVE;STATIC_PIE" "" "SOURCES" ${ARGN})
  add_executable(${name} ${P_SOURCES})
  target_compile_options(${name} PRIVATE ${NTO_USER_CFLAGS})
  if(P_STATIC_PIE)
    # musl-gcc's specs always use Scrt1.o; a static PIE needs rcrt1.o, which
    # relocates the program before anything else runs.
    target_compile_options(${name} PRIVATE -fPIE)
    # The specs also replace gcc's link rules, so ask the linker directly for
    # a static PIE without an interpreter.
    target_link_options(${name} PRIVATE -static-pie -nostartfiles
      -Wl,-static -Wl,--no-dynamic-linker -Wl,-z,text
      /usr/lib/x86_64-linux-musl/rcrt1.o /usr/lib/x86_64-linux-musl/crti.o)
    target_link_libraries(${name} PRIVATE /usr/lib/x86_64-linux-musl/crtn.o)
  else()
    target_link_options(${name} PRIVATE -static)
  endif()
  if(P_NATIVE)
    target_link_libraries(${name} PRIVATE neutrino_user)
  endif()
endfunction()

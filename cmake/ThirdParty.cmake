# Third-party userland for the boot images, and the system image that uses
# it. Included from the top-level CMakeLists.txt after every program's
# subdirectory and before configs/ (so those targets can be used there).
#
# Targets (in `all`), outputs under ${NTO_THIRDPARTY_DIR} (build/thirdparty):
#   mksh     mksh/mksh: usr/lib/x86_64-linux-musl/bin/mksh from Debian's mksh
#            package (apt-get download), byte for byte, md5-checked against the
#            package and sha256-checked against tools/thirdparty/known.sha256;
#            mksh/mksh.sha256 records its sha256 and the package version.
#   busybox  busybox/busybox: static musl build of Debian's busybox source
#            package (apt-get source) with tools/thirdparty/busybox.fragment;
#            busybox/busybox.applets lists its applets.
# Both keep the downloads in their directory: once fetched, rebuilds (and a
# re-configure) work offline; deleting build/ fetches again. tools/deps.sh
# sets up apt for them (a deb-src entry for bookworm main).
#
# The system image (configs/system.build, targets image-system and
# iso-system) needs the targets procnto, dev-misc, pipe, fs-tmp,
# devc-ser8250 and the restart manager's restartd, faultinj and restartctl
# (drivers/supervisor); until they all exist it is skipped with a message.
#
# Tests (tests/system/CMakeLists.txt): host.thirdparty.* check mksh and
# busybox against their packages and the image; host.harness.session_* test
# `qemu-test.py session`; system.* (label system) boot the system image and
# run the scenarios, only with -DNTO_SYSTEM_TESTS=ON.

set(NTO_THIRDPARTY_DIR ${CMAKE_BINARY_DIR}/thirdparty)
set(NTO_THIRDPARTY_SRC ${CMAKE_SOURCE_DIR}/tools/thirdparty)
set(NTO_MKSH ${NTO_THIRDPARTY_DIR}/mksh/mksh)
set(NTO_BUSYBOX ${NTO_THIRDPARTY_DIR}/busybox/busybox)

add_custom_command(
  OUTPUT ${NTO_MKSH} ${NTO_MKSH}.sha256
  COMMAND ${NTO_THIRDPARTY_SRC}/mksh.sh ${NTO_THIRDPARTY_DIR}/mksh
          ${NTO_THIRDPARTY_SRC}/known.sha256
  DEPENDS ${NTO_THIRDPARTY_SRC}/mksh.sh ${NTO_THIRDPARTY_SRC}/known.sha256
  COMMENT "Fetching mksh (Debian package mksh, musl build)"
  VERBATIM)
add_custom_target(mksh ALL DEPENDS ${NTO_MKSH})

add_custom_command(
  OUTPUT ${NTO_BUSYBOX} ${NTO_BUSYBOX}.applets
  COMMAND ${NTO_THIRDPARTY_SRC}/busybox.sh ${NTO_THIRDPARTY_DIR}/busybox
          ${NTO_THIRDPARTY_SRC}/busybox.fragment
  DEPENDS ${NTO_THIRDPARTY_SRC}/busybox.sh ${NTO_THIRDPARTY_SRC}/busybox.fragment
  COMMENT "Building busybox (Debian source package, musl-gcc, static)"
  VERBATIM)
add_custom_target(busybox ALL DEPENDS ${NTO_BUSYBOX})

# The system image: mkifs with the programs' paths as -D definitions.
set(NTO_SYSTEM_PROGRAMS procnto dev-misc pipe fs-tmp devc-ser8250 restartd faultinj restartctl
    linewriter)
set(NTO_SYSTEM_IMAGE "")
set(missing "")
foreach(t IN LISTS NTO_SYSTEM_PROGRAMS)
  if(NOT TARGET ${t})
    list(APPEND missing ${t})
  endif()
endforeach()
if(missing)
  list(JOIN missing " " missing)
  message(STATUS "thirdparty: system image skipped (no target yet: ${missing})")
elseif(NOT TARGET mkifs)
  message(STATUS "thirdparty: system image skipped (no mkifs target)")
else()
  include(Image)
  set(NTO_SYSTEM_IMAGE ${NTO_IMAGE_DIR}/system.ifs)
  set(buildfile ${CMAKE_SOURCE_DIR}/configs/system.build)
  set(defs)
  set(deps)
  foreach(t IN LISTS NTO_SYSTEM_PROGRAMS)
    string(TOUPPER ${t} var)
    string(REPLACE "-" "_" var ${var})
    list(APPEND defs -D ${var}=$<TARGET_FILE:${t}>)
    list(APPEND deps ${t} $<TARGET_FILE:${t}>)
  endforeach()
  add_custom_command(
    OUTPUT ${NTO_SYSTEM_IMAGE}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${NTO_IMAGE_DIR}
    COMMAND mkifs -D BUILD=${CMAKE_BINARY_DIR} -D SRC=${CMAKE_SOURCE_DIR} ${defs}
            -M ${NTO_SYSTEM_IMAGE}.d ${buildfile} ${NTO_SYSTEM_IMAGE}
    DEPENDS mkifs $<TARGET_FILE:mkifs> ${buildfile} ${deps} ${NTO_MKSH} ${NTO_BUSYBOX}
    DEPFILE ${NTO_SYSTEM_IMAGE}.d
    COMMENT "Building boot image images/system.ifs"
    VERBATIM)
  add_custom_target(image-system ALL DEPENDS ${NTO_SYSTEM_IMAGE})
  add_dependencies(image-system mksh busybox)
  set_property(GLOBAL PROPERTY NTO_IMAGE_system_FILE ${NTO_SYSTEM_IMAGE})
  if(TARGET kernel)
    nto_iso(system IMAGE system)
  endif()
endif()

if(NTO_TESTS)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/system ${CMAKE_BINARY_DIR}/tests/system)
endif()

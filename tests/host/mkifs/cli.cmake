# Command-line tests of mkifs, run by ctest as
#   cmake -DMKIFS=<mkifs> -DWORK=<scratch dir> -DMODE=ok|errors -P cli.cmake
# ok: -D, environment, -v, -M, --list on a good image.
# errors: exit status 1, the exact message on stderr, and no output file left.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(failures 0)

macro(fail msg)
  message(SEND_ERROR "${msg}")
  math(EXPR failures "${failures} + 1")
endmacro()

# run(<expected rc> <args...>): runs mkifs, leaves rc, out, err.
macro(run want_rc)
  execute_process(COMMAND ${MKIFS} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${want_rc}")
    fail("mkifs ${ARGN}: exit ${rc}, expected ${want_rc}; stderr: ${err}")
  endif()
endmacro()

# expect_error(<exact stderr line> <args...>): must fail and leave no image.
macro(expect_error want)
  file(REMOVE ${WORK}/out.ifs)
  run(1 ${ARGN})
  if(NOT err STREQUAL "${want}\n")
    fail("mkifs ${ARGN}:\n  stderr: '${err}'\n  wanted: '${want}'")
  endif()
  if(EXISTS ${WORK}/out.ifs)
    fail("mkifs ${ARGN}: failed but left ${WORK}/out.ifs")
  endif()
  file(GLOB tmp ${WORK}/*.tmp* ${WORK}/nodir/*)
  if(tmp)
    fail("mkifs ${ARGN}: left temporary files ${tmp}")
  endif()
endmacro()

set(bf ${WORK}/t.build)
if(MODE STREQUAL "ok")
  file(WRITE ${WORK}/d.txt "data\n")
  file(WRITE ${bf} "# cli test\n[+boot] procnto = \${ELF}\n[+script] startup = {\n"
                   "display_msg \${MSG}\n}\n\${FROMENV}/data = \${WORK}/d.txt\n")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env FROMENV=envdir MSG=fromenv
                  ${MKIFS} -D ELF=${MKIFS} -D MSG=first -DMSG=second -D WORK=${WORK}
                  -v -M ${WORK}/out.d ${bf} ${WORK}/out.ifs
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    fail("good buildfile: exit ${rc}, stderr '${err}'")
  endif()
  # -v lists every entry; the later -D wins over the earlier and the environment.
  foreach(re "\n-rwxr-xr-x +0 +0 +[0-9]+ procnto \\[\\+boot\\]\n"
             "\n-rw-r--r-- +0 +0 +19 startup \\[\\+script\\]\n"
             "^drwxr-xr-x +0 +0 +0 envdir\n" "\n-r[-w]-r--r-- +0 +0 +5 envdir/data\n")
    if(NOT out MATCHES "${re}")
      fail("-v output does not match '${re}':\n${out}")
    endif()
  endforeach()
  run(0 --list ${WORK}/out.ifs)
  if(NOT out MATCHES "\n4 entries, [0-9]+ bytes, checksum 0x[0-9a-f]+ ok\n$")
    fail("--list output:\n${out}")
  endif()
  file(READ ${WORK}/out.d dep)
  if(NOT dep MATCHES "^${WORK}/out.ifs: ${bf}" OR NOT dep MATCHES "${WORK}/d.txt"
     OR NOT dep MATCHES "${MKIFS}")
    fail("depfile:\n${dep}")
  endif()
elseif(MODE STREQUAL "errors")
  file(WRITE ${bf} "[+boot] procnto = \${ELF}\nx = \${NOPE}\n")
  expect_error("${bf}:2: undefined variable 'NOPE'" -D ELF=${MKIFS} ${bf} ${WORK}/out.ifs)
  # An old image is kept, not replaced by a partial one.
  file(WRITE ${WORK}/old.ifs "old")
  run(1 -D ELF=${MKIFS} ${bf} ${WORK}/old.ifs)
  file(READ ${WORK}/old.ifs old)
  if(NOT old STREQUAL "old")
    fail("a failed run changed the existing output")
  endif()
  file(REMOVE ${WORK}/old.ifs)

  file(WRITE ${bf} "[+boot] procnto = \${ELF}\n\nx = ${WORK}/missing\n")
  expect_error("${bf}:3: cannot open '${WORK}/missing': No such file or directory"
               -D ELF=${MKIFS} ${bf} ${WORK}/out.ifs)
  file(WRITE ${bf} "[+boot] procnto = ${bf}\n")
  expect_error("${bf}:1: +boot file '${bf}' is not an ELF file" ${bf} ${WORK}/out.ifs)
  file(WRITE ${bf} "[+boot] procnto = ${MKIFS}\n")
  expect_error("mkifs: cannot write '${WORK}/nodir/out.ifs': No such file or directory"
               ${bf} ${WORK}/nodir/out.ifs)
  expect_error("mkifs: cannot read '${WORK}/none.build': No such file or directory"
               ${WORK}/none.build ${WORK}/out.ifs)
  expect_error("mkifs: -D needs NAME=value, not 'FOO'" -D FOO ${bf} ${WORK}/out.ifs)
  run(1)
  if(NOT err MATCHES "^usage: mkifs")
    fail("no arguments: stderr '${err}'")
  endif()
  run(1 ${bf})
  run(1 -q ${bf} ${WORK}/out.ifs)

  # --list refuses a corrupted image.
  run(0 ${bf} ${WORK}/good.ifs)
  # Flip the last byte (padding, covered by the checksum).
  execute_process(COMMAND sh -c "cp '${WORK}/good.ifs' '${WORK}/bad.ifs' && printf '\\001' | dd of='${WORK}/bad.ifs' bs=1 seek=$(( $(stat -c %s '${WORK}/good.ifs') - 1 )) conv=notrunc status=none"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    fail("could not corrupt the image copy")
  endif()
  run(1 --list ${WORK}/bad.ifs)
  if(NOT err MATCHES "^mkifs: ${WORK}/bad.ifs: bad checksum: stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\n$")
    fail("--list of a corrupted image: '${err}'")
  endif()
else()
  message(FATAL_ERROR "MODE must be ok or errors")
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} check(s) failed")
endif()

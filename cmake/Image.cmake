# Boot images and bootable ISOs. Included by configs/CMakeLists.txt.
#
# nto_image(<name> BUILDFILE <file> [DEPENDS <targets...>])
#   Runs mkifs on <file> with -D BUILD=${CMAKE_BINARY_DIR} -D SRC=${CMAKE_SOURCE_DIR}
#   and writes ${CMAKE_BINARY_DIR}/images/<name>.ifs. Target image-<name> (in
#   `all`). Rebuilt when the buildfile, mkifs, any DEPENDS target or any other
#   host file the buildfile names changes (mkifs writes a depfile).
#
# nto_iso(<name> IMAGE <image>)
#   Writes ${CMAKE_BINARY_DIR}/images/<name>.iso with grub-mkrescue (BIOS
#   boot): /boot/neutrino.elf (target `kernel`), /boot/<image>.ifs (from
#   nto_image(<image>)) and /boot/grub/grub.cfg, which boots the kernel with
#   the image as a multiboot2 module named <image>.ifs, with no menu, no
#   timeout and nothing printed on the serial line. Target iso-<name> (in `all`).
#
# This file is also a script: `cmake -DNTO_ISO_DIR=... -P Image.cmake` stages
# the ISO tree and runs grub-mkrescue quietly (output shown only on failure);
# nto_iso() uses it that way.

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED NTO_ISO_DIR)
  # Arguments: NTO_ISO_DIR (staging dir), NTO_ISO_OUT, NTO_ISO_KERNEL,
  # NTO_ISO_IFS, NTO_ISO_IFS_NAME, NTO_ISO_CFG, NTO_ISO_MKRESCUE.
  file(REMOVE_RECURSE ${NTO_ISO_DIR})
  file(MAKE_DIRECTORY ${NTO_ISO_DIR}/boot/grub)
  file(COPY_FILE ${NTO_ISO_KERNEL} ${NTO_ISO_DIR}/boot/neutrino.elf)
  file(COPY_FILE ${NTO_ISO_IFS} ${NTO_ISO_DIR}/boot/${NTO_ISO_IFS_NAME})
  file(COPY_FILE ${NTO_ISO_CFG} ${NTO_ISO_DIR}/boot/grub/grub.cfg)
  file(REMOVE ${NTO_ISO_OUT})
  # Only the modules grub.cfg needs (the core image adds biosdisk/iso9660),
  # no locales, themes or fonts: a ~0.6 MiB ISO instead of ~9 MiB.
  execute_process(
    COMMAND ${NTO_ISO_MKRESCUE} -o ${NTO_ISO_OUT}.tmp
            "--install-modules=multiboot2 normal part_msdos iso9660 biosdisk"
            --locales= --themes= --fonts= --compress=xz ${NTO_ISO_DIR}
    RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${NTO_ISO_OUT}.tmp)
    file(REMOVE ${NTO_ISO_OUT}.tmp)
    message(FATAL_ERROR "grub-mkrescue failed (${rc}):\n${log}")
  endif()
  file(RENAME ${NTO_ISO_OUT}.tmp ${NTO_ISO_OUT})
  return()
endif()

set(NTO_IMAGE_CMAKE ${CMAKE_CURRENT_LIST_FILE})
set(NTO_IMAGE_DIR ${CMAKE_BINARY_DIR}/images)

function(nto_image name)
  cmake_parse_arguments(I "" "BUILDFILE" "DEPENDS" ${ARGN})
  if(NOT I_BUILDFILE)
    message(FATAL_ERROR "nto_image(${name}): BUILDFILE is required")
  endif()
  get_filename_component(buildfile ${I_BUILDFILE} ABSOLUTE)
  set(out ${NTO_IMAGE_DIR}/${name}.ifs)
  set(deps)
  foreach(t IN LISTS I_DEPENDS)
    if(NOT TARGET ${t})
      message(FATAL_ERROR "nto_image(${name}): DEPENDS names '${t}', which is not a target")
    endif()
    list(APPEND deps ${t} $<TARGET_FILE:${t}>)
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${NTO_IMAGE_DIR}
    COMMAND mkifs -D BUILD=${CMAKE_BINARY_DIR} -D SRC=${CMAKE_SOURCE_DIR}
            -M ${out}.d ${buildfile} ${out}
    DEPENDS mkifs $<TARGET_FILE:mkifs> ${buildfile} ${deps}
    DEPFILE ${out}.d
    COMMENT "Building boot image images/${name}.ifs"
    VERBATIM)
  add_custom_target(image-${name} ALL DEPENDS ${out})
  set_property(GLOBAL PROPERTY NTO_IMAGE_${name}_FILE ${out})
endfunction()

function(nto_iso name)
  cmake_parse_arguments(I "" "IMAGE" "" ${ARGN})
  get_property(ifs GLOBAL PROPERTY NTO_IMAGE_${I_IMAGE}_FILE)
  if(NOT I_IMAGE OR NOT ifs)
    message(FATAL_ERROR "nto_iso(${name}): IMAGE must name an nto_image()")
  endif()
  if(NOT TARGET kernel)
    message(FATAL_ERROR "nto_iso(${name}): there is no kernel target")
  endif()
  find_program(NTO_GRUB_MKRESCUE grub-mkrescue)
  find_program(NTO_XORRISO xorriso)
  if(NOT NTO_GRUB_MKRESCUE OR NOT NTO_XORRISO OR NOT EXISTS /usr/lib/grub/i386-pc)
    message(FATAL_ERROR "nto_iso(${name}): needs grub-mkrescue, xorriso and grub-pc-bin "
                        "(tools/deps.sh installs them)")
  endif()

  set(out ${NTO_IMAGE_DIR}/${name}.iso)
  set(cfg ${NTO_IMAGE_DIR}/${name}.grub.cfg)
  # No `terminal_output serial`: GRUB writes only to the VGA console, so the
  # serial line carries nothing but the system's own output.
  file(WRITE ${cfg}.in
    "set timeout=0\n"
    "set timeout_style=hidden\n"
    "menuentry \"neutrino ${I_IMAGE}\" {\n"
    "  multiboot2 /boot/neutrino.elf\n"
    "  module2 /boot/${I_IMAGE}.ifs ${I_IMAGE}.ifs\n"
    "  boot\n"
    "}\n")
  configure_file(${cfg}.in ${cfg} COPYONLY) # rewritten only when it changes
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND}
            -DNTO_ISO_DIR=${NTO_IMAGE_DIR}/${name}.isodir -DNTO_ISO_OUT=${out}
            -DNTO_ISO_KERNEL=$<TARGET_FILE:kernel> -DNTO_ISO_IFS=${ifs}
            -DNTO_ISO_IFS_NAME=${I_IMAGE}.ifs -DNTO_ISO_CFG=${cfg}
            -DNTO_ISO_MKRESCUE=${NTO_GRUB_MKRESCUE} -P ${NTO_IMAGE_CMAKE}
    DEPENDS kernel $<TARGET_FILE:kernel> image-${I_IMAGE} ${ifs} ${cfg} ${NTO_IMAGE_CMAKE}
    COMMENT "Building bootable ISO images/${name}.iso"
    VERBATIM)
  add_custom_target(iso-${name} ALL DEPENDS ${out})
endfunction()

# CPack's DEB generator for the packages of packaging/CMakeLists.txt, one per
# install component. Included by the top-level CMakeLists.txt (CPack wants
# the top level). `make package` runs it with SOURCE_DATE_EPOCH set to the
# commit's time: file dates in the .debs are that, so a rebuild of the same
# commit gives the same bytes.
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL common orchestrator runner)
if(KILN_HAVE_IMAGE)
  list(APPEND CPACK_COMPONENTS_ALL image)
endif()
set(CPACK_PACKAGE_NAME kiln)
set(CPACK_PACKAGE_VERSION ${KILN_VERSION_STRING})
set(CPACK_PACKAGE_VENDOR kiln)
set(CPACK_PACKAGE_CONTACT ${KILN_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${KILN_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)

set(debian ${CMAKE_SOURCE_DIR}/packaging/debian)
set(gen ${KILN_PACKAGING_GEN})
set(same "(= ${KILN_VERSION_STRING})")

set(CPACK_DEBIAN_COMMON_PACKAGE_NAME kiln-common)
set(CPACK_DEBIAN_COMMON_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_COMMON_PACKAGE_CONTROL_EXTRA ${gen}/kiln-common/conffiles)
set(CPACK_COMPONENT_COMMON_DESCRIPTION
    "kiln burn-in suite: profiles and example deliveries\n\
The burn-in profiles (quick, standard, full, decommission), example deliveries\n\
and the benchmark's reference scores under /etc/kiln, read by kiln-orchestrator\n\
and kiln-runner.")

set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_NAME kiln-orchestrator)
set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_SHLIBDEPS ON)
# procps: /bin/kill, which the unit's ExecReload runs.
set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_DEPENDS "kiln-common ${same}, adduser, procps")
set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_RECOMMENDS "curl")
set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_SUGGESTS "postgresql, ironic-api, kiln-image")
set(CPACK_DEBIAN_ORCHESTRATOR_PACKAGE_CONTROL_EXTRA
    "${gen}/kiln-orchestrator/conffiles;${debian}/kiln-orchestrator/postinst;${debian}/kiln-orchestrator/prerm;${debian}/kiln-orchestrator/postrm")
set(CPACK_COMPONENT_ORCHESTRATOR_DESCRIPTION
    "kiln burn-in suite: orchestrator service and kilnctl\n\
kiln-orchestrator is the HTTP API kiln's runners stream to and operators\n\
drive, with the run store (SQLite or PostgreSQL) and the Ironic driver that\n\
moves nodes through burn-in and decommissioning; kilnctl is its command line.\n\
Runs as the systemd service kiln-orchestrator (user kiln, /var/lib/kiln).")

# The runner drives real tools: the packages the boot image carries them from.
file(STRINGS ${CMAKE_SOURCE_DIR}/image/contents.list tool_lines REGEX "^[a-z0-9]")
set(tools "")
foreach(line ${tool_lines})
  string(REGEX MATCH "^[^ ]+" pkg "${line}")
  if(NOT pkg STREQUAL "util-linux")  # Essential: never a Depends (policy 3.5)
    list(APPEND tools ${pkg})
  endif()
endforeach()
list(JOIN tools ", " tool_depends)
set(CPACK_DEBIAN_RUNNER_PACKAGE_NAME kiln-runner)
set(CPACK_DEBIAN_RUNNER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNNER_PACKAGE_DEPENDS "kiln-common ${same}, ${tool_depends}")
set(CPACK_COMPONENT_RUNNER_DESCRIPTION
    "kiln burn-in suite: the burn-in runner\n\
kiln-runner burns in the server it runs on: inventory, memory, CPU, disks,\n\
benchmark and network stages with real tools, judged against a delivery's\n\
limits, streamed to kiln-orchestrator. For an installed OS; the boot image\n\
(kiln-image) carries the same runner.")

set(CPACK_DEBIAN_IMAGE_PACKAGE_NAME kiln-image)
set(CPACK_DEBIAN_IMAGE_PACKAGE_ARCHITECTURE all)
set(CPACK_COMPONENT_IMAGE_DESCRIPTION
    "kiln burn-in suite: boot image (kernel, initramfs, ISO)\n\
kiln.kernel, kiln.initramfs and kiln.iso under /usr/share/kiln/image with\n\
their SHA256SUMS, for Ironic's ramdisk deploy or PXE.")

include(CPack)

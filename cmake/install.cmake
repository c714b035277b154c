# What `cmake --install` puts where, and the Debian package (CPack) made of
# the same rules. The man page and the shell completions are written by the
# binary just built, from the tables that drive its parser (`tojimari _man`,
# `tojimari _completion bash|zsh`), so they cannot drift from it.
include(GNUInstallDirs)

set(TJ_GENERATED ${CMAKE_CURRENT_BINARY_DIR}/generated)
add_custom_command(
  OUTPUT ${TJ_GENERATED}/tojimari.1.gz ${TJ_GENERATED}/tojimari.bash ${TJ_GENERATED}/_tojimari
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TJ_GENERATED}
  COMMAND $<TARGET_FILE:tojimari> _man | gzip -9n > ${TJ_GENERATED}/tojimari.1.gz
  COMMAND $<TARGET_FILE:tojimari> _completion bash > ${TJ_GENERATED}/tojimari.bash
  COMMAND $<TARGET_FILE:tojimari> _completion zsh > ${TJ_GENERATED}/_tojimari
  DEPENDS tojimari
  COMMENT "Man page and shell completions from the parameter tables")
add_custom_target(tj_docs ALL DEPENDS ${TJ_GENERATED}/tojimari.1.gz ${TJ_GENERATED}/tojimari.bash
                                      ${TJ_GENERATED}/_tojimari)

# The binary, and its privileged copy (net/privileges.h: ExecPrivilegedCopy).
# The copy gets its group and capabilities from the package's postinst; after
# a plain `cmake --install`, from the commands in the README.
# Both through install(TARGETS), so `--strip` (and the package) strips both.
install(TARGETS tojimari RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tojimari RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/tojimari)
install(CODE "
  set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBEXECDIR}/tojimari\")
  file(RENAME \"\${dir}/tojimari\" \"\${dir}/tojimari-raw\")")
install(FILES ${TJ_GENERATED}/tojimari.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${TJ_GENERATED}/tojimari.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME tojimari)
install(FILES ${TJ_GENERATED}/_tojimari DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
# systemd's own directory for units that packages ship (not enabled: the
# admin copies or enables them, docs/WATCH.md).
set(TJ_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING "where the systemd units go, under the prefix unless absolute")
install(FILES examples/systemd/tojimari-watch.service examples/systemd/tojimari-audit.service
              examples/systemd/tojimari-audit.timer
        DESTINATION ${TJ_SYSTEMD_UNIT_DIR})
install(FILES examples/policy.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md docs/WATCH.md docs/POLICY.md docs/JSON-SCHEMA.md docs/XML.md docs/AUDIT-JSON.md
              docs/DIFF-JSON.md docs/tojimari-scan.schema.json docs/tojimari-audit.schema.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: tojimari_<version>_amd64.deb, its runtime libraries
# found by dpkg-shlibdeps, the privileged copy set up by postinst.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tojimari)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "tojimari maintainers <maintainers@users.noreply.r-seed-95588188.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "port checker and scanner for the people who defend networks")
set(CPACK_PACKAGE_DESCRIPTION
    "tojimari checks that every door is locked: it finds the open ports of a\n"
    "network (TCP connect, SYN, FIN/NULL/Xmas, ACK, Window and UDP scans, IPv4\n"
    "and IPv6, host discovery), names the services behind them, compares them\n"
    "with a policy, keeps their history and watches them on a schedule. Its\n"
    "options and reports are nmap's.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/tojimari/tojimari")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst: the group, and setcap (libcap2-bin); addgroup (adduser).
# libpq, libcurl, libxml2 and libpcap are loaded with dlopen when first used
# (src/core/dynlib.h), so dpkg-shlibdeps, which reads the binary's NEEDED
# entries, no longer sees them: their runtime packages (the sonames in
# core/dynlib.h) are named here, with the lowest versions dpkg-shlibdeps
# asked for when they were linked.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "adduser, libcap2-bin, libpq5 (>= 9.1~), libcurl4 (>= 7.16.2), libxml2 (>= 2.7.4), libpcap0.8 (>= 0.9.8)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nmap-common")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# Debian's policy: a copyright file and a changelog in the package's doc dir.
install(FILES packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
add_custom_command(
  OUTPUT ${TJ_GENERATED}/changelog.Debian.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TJ_GENERATED}
  COMMAND gzip -9n < ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/changelog > ${TJ_GENERATED}/changelog.Debian.gz
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/changelog)
add_custom_target(tj_changelog ALL DEPENDS ${TJ_GENERATED}/changelog.Debian.gz)
install(FILES ${TJ_GENERATED}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
# What lintian mistakes in the binary for something else (the file says what).
install(FILES packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME tojimari)
include(CPack)

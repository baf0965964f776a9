# Installation layout and the Debian package, included from the top CMakeLists.txt.
#   cmake --preset release && cmake --build --preset release --target ngsync
#   cd build/release && cpack -G DEB          -> ngsync_<version>_amd64.deb
# Tested in a clean Debian 12 root filesystem by scripts/test-deb.sh (lintian, install, unit
# verification, purge). What goes where, and the modes of the secret files: docs/operations.md.
set(ngsync_deb_dir ${CMAKE_CURRENT_LIST_DIR})
set(ngsync_deb_gen ${CMAKE_CURRENT_BINARY_DIR}/deb)

# The packaged unit is deploy/systemd/ngsync.service with two differences: the binary is in
# /usr/bin, and the service runs as the static system user the package creates (sysusers.d), so
# operators can give it files by group; every hardening line stays as it is.
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/ngsync.service ngsync_unit)
string(REPLACE "/usr/local/bin/ngsync" "/usr/bin/ngsync" ngsync_unit "${ngsync_unit}")
string(REPLACE "DynamicUser=yes" "User=ngsync\nGroup=ngsync" ngsync_unit "${ngsync_unit}")
string(REPLACE "# Identity: a transient user with no home and no files of its own."
  "# Identity: the system user from /usr/lib/sysusers.d/ngsync.conf, no home, no login."
  ngsync_unit "${ngsync_unit}")
if(NOT ngsync_unit MATCHES "ExecStart=/usr/bin/ngsync " OR NOT ngsync_unit MATCHES "\nUser=ngsync\n")
  message(FATAL_ERROR "deploy/debian/cpack.cmake: deploy/systemd/ngsync.service changed; "
                      "update the replacements that make the packaged unit")
endif()
file(WRITE ${ngsync_deb_gen}/ngsync.service "${ngsync_unit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/ngsync.service)

# Debian wants changelog.gz and the copyright file in /usr/share/doc/<package>; the changelog is
# compressed at configure time with a fixed timestamp (gzip -n) so the package is reproducible.
find_program(GZIP_PROGRAM gzip)
configure_file(${ngsync_deb_dir}/changelog ${ngsync_deb_gen}/changelog COPYONLY)
execute_process(COMMAND ${GZIP_PROGRAM} -9nf ${ngsync_deb_gen}/changelog)
configure_file(${ngsync_deb_dir}/ngsync.1 ${ngsync_deb_gen}/ngsync.1 COPYONLY)
execute_process(COMMAND ${GZIP_PROGRAM} -9nf ${ngsync_deb_gen}/ngsync.1)

include(GNUInstallDirs)
install(TARGETS ngsync RUNTIME DESTINATION bin COMPONENT ngsync)
install(FILES ${ngsync_deb_gen}/ngsync.service DESTINATION /lib/systemd/system
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${ngsync_deb_dir}/ngsync.sysusers DESTINATION lib/sysusers.d RENAME ngsync.conf
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# The example config becomes /etc/ngsync/ngsync.yaml, a conffile (no secrets in it: it names the
# environment variables that hold them). The secrets file is made by postinst, mode 0600.
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/deploy/config/ngsync.example.yaml
        DESTINATION /etc/ngsync RENAME ngsync.yaml
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# postinst copies the secrets template from /usr/share/ngsync: /usr/share/doc may be left out of
# an installation (dpkg path-exclude, as in slim container images).
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/ngsync.env.example DESTINATION share/ngsync
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/docs/operations.md
              ${CMAKE_CURRENT_SOURCE_DIR}/docs/configuration.md
              ${ngsync_deb_dir}/copyright ${ngsync_deb_gen}/changelog.gz
        DESTINATION share/doc/ngsync
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${ngsync_deb_gen}/ngsync.1.gz DESTINATION share/man/man1
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

set(CPACK_PACKAGE_NAME ngsync)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The project has no public contact yet: set NGSYNC_DEB_MAINTAINER for a real release.
set(NGSYNC_DEB_MAINTAINER "ngsync maintainers <ngsync-maintainers@example.org>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${NGSYNC_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keeps Notion databases and GitHub issues in sync")
# The long description; CPack puts the summary above it and indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "ngsync is a daemon that mirrors the pages of Notion databases as GitHub issues
and carries edits back, with its state in PostgreSQL. It runs as a systemd
service (ngsync.service) or once per schedule (ngsync sync-once).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from dpkg-shlibdeps; adduser only for systems without systemd-sysusers.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${ngsync_deb_dir}/conffiles ${ngsync_deb_dir}/postinst ${ngsync_deb_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_GENERATOR DEB)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_CURRENT_BINARY_DIR}/packages)
include(CPack)

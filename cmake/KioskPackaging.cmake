# Install rules and the project's Debian package (CPack DEB).
#
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/kiosk_<version>_amd64.deb
#
# The package holds the three executables (/usr/bin), the assets (/usr/share/kiosk/assets,
# which the terminal finds as <exe>/../share/kiosk/assets), the systemd unit, and the
# kiosk system user (sysusers.d) with its state folder (tmpfiles.d). It does not enable
# the service: a desktop Debian with the package installed keeps its own display; the
# OS image (image/build) enables it.
#
# Runtime library dependencies come from dpkg-shlibdeps. Libraries loaded with dlopen()
# are not seen by it, so the display stack for KMSDRM (EGL, GBM, Mesa's drivers, libGL.so.1
# which ImGui's OpenGL loader opens), the
# fonts the terminal and the badges need, and CUPS are listed by hand.

include(GNUInstallDirs)

install(TARGETS kiosk kioskctl kiosk-central RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT kiosk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk/assets
        COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/systemd/kiosk.service
        DESTINATION lib/systemd/system COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/systemd/kiosk-sysusers.conf
        DESTINATION lib/sysusers.d RENAME kiosk.conf COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/image/systemd/kiosk-tmpfiles.conf
        DESTINATION lib/tmpfiles.d RENAME kiosk.conf COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/docs/deploy.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kiosk
        COMPONENT kiosk OPTIONAL)
# Several kiosk-central instances behind HAProxy: the guide and the files it installs by
# hand (an instance template unit, its settings, the balancer's configuration template).
# Not installed as live units: a venue server on SQLite runs one plain kiosk-central.
install(FILES ${PROJECT_SOURCE_DIR}/docs/central-postgresql.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kiosk COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/central/kiosk-central@.service
              ${PROJECT_SOURCE_DIR}/deploy/central/central.env
              ${PROJECT_SOURCE_DIR}/deploy/central/haproxy.cfg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kiosk/central COMPONENT kiosk)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "kiosk")
set(CPACK_PACKAGE_VENDOR "Lobby kiosk project")
set(CPACK_PACKAGE_CONTACT "Lobby kiosk project <kiosk@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Lobby check-in kiosk: terminal, admin CLI, reference central server")
set(CPACK_PACKAGE_DESCRIPTION
    "Self-service check-in terminal (SDL2 + Dear ImGui on KMSDRM) with an offline SQLite cache, badge printing through CUPS, the kioskctl admin tool and the kiosk-central reference server.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "fonts-noto-cjk, fonts-noto-core, espeak-ng-data, cups-client, libgl1, libegl1, libegl-mesa0, libgbm1, libgl1-mesa-dri, systemd, librime-data, rime-data-luna-pinyin, libopencc-data")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cups-daemon, cups-filters, systemd-timesyncd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/image/systemd/postinst")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)

# Shared target settings. Flags are attached to targets, never set globally.

# kiosk_target_defaults(<target>): warnings (as errors with KIOSK_WERROR) and sanitizers.
function(kiosk_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough)
  if(KIOSK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 at -O3 reports std::string copies as overlapping memcpy (GCC bug 105329, a
  # false positive of -Wrestrict); the optimised benchmark build would not compile.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-restrict>)
  endif()
  if(KIOSK_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${KIOSK_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${KIOSK_SANITIZE})
  endif()
endfunction()

# kiosk_forbid_includes(<target> <regex>...): the build of <target> (a library or an
# executable) fails when one of its sources or headers includes a header matching any regex.
# Encodes the layering rules of the design: third-party names (the core knows no SDL,
# ImGui, OpenCV, curl, CUPS or SQLite) and project paths (central includes nothing of
# kiosk/app/, devices/ or ui/). A regex matches the start of the name written between
# <> or "" ("kiosk/app/" matches #include "kiosk/app/terminal.h").
function(kiosk_forbid_includes target)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(files "")
  foreach(src IN LISTS sources)
    if(NOT IS_ABSOLUTE "${src}")
      set(src "${source_dir}/${src}")
    endif()
    list(APPEND files "${src}")
    # A header next to a source is checked too.
    get_filename_component(stem "${src}" NAME_WLE)
    get_filename_component(dir "${src}" DIRECTORY)
    if(EXISTS "${dir}/${stem}.h")
      list(APPEND files "${dir}/${stem}.h")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES files)
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${target}.layering.stamp")
  # Commas separate the rules on the command line: a rule may use "|" itself.
  string(REPLACE ";" "," patterns "${ARGN}")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} "-DFILES=${files}" "-DPATTERNS=${patterns}" "-DTARGET=${target}"
            "-DSTAMP=${stamp}" -P "${CMAKE_SOURCE_DIR}/cmake/check_includes.cmake"
    DEPENDS ${files} "${CMAKE_SOURCE_DIR}/cmake/check_includes.cmake"
    COMMENT "Checking layering of ${target}"
    VERBATIM)
  add_custom_target(${target}_layering DEPENDS "${stamp}")
  add_dependencies(${target} ${target}_layering)
endfunction()

# Module boundaries the build enforces (DESIGN "Layout": cli -> exec -> plan -> sql; spec and
# catalog read into model types).
#
# - Public headers stay in include/pgphase/, but each module sees only the headers of the
#   modules it links: pgphase_module() gives every module its own include root in the build
#   tree, <build>/include/<module>/pgphase/<header>, with links to the headers it owns.
# - Private headers are spelled "<module>/<file>.h" (src/<module>/...), and each module's
#   private root <build>/private/<module> holds a link to its own folder only.
# - A third-party library a module may not use is "poisoned" for it: a tree of stand-in
#   headers under <build>/poison/<library>, searched before the system's, each one an #error.
# tests/boundaries/ holds probes that include what a module may not; ctest builds them and
# expects the error (BoundaryTest.*).

set(PGPHASE_OWNED_HEADERS "")

# pgphase_poison(<library> ROOT <dir> FILES <paths relative to dir, globs> MESSAGE <text>)
function(pgphase_poison library)
  cmake_parse_arguments(P "" "ROOT;MESSAGE" "FILES" ${ARGN})
  set(dir ${CMAKE_BINARY_DIR}/poison/${library})
  if(EXISTS ${dir}/.done)
    return()
  endif()
  file(REMOVE_RECURSE ${dir})
  foreach(pattern ${P_FILES})
    file(GLOB_RECURSE found RELATIVE ${P_ROOT} ${P_ROOT}/${pattern})
    if(NOT pattern MATCHES "[*]")
      set(found ${pattern})
    endif()
    foreach(header ${found})
      file(WRITE ${dir}/${header} "#error \"${P_MESSAGE}\"\n")
    endforeach()
  endforeach()
  file(WRITE ${dir}/.done "")
endfunction()

# Include roots and links of one module's target (also used by its boundary probes).
function(_pgphase_module_usage target name)
  cmake_parse_arguments(M "" "" "PUBLIC;PRIVATE;FORBID" ${ARGN})
  get_target_property(type ${target} TYPE)
  set(scope PUBLIC)
  if(type STREQUAL "INTERFACE_LIBRARY")
    set(scope INTERFACE)
  endif()
  target_include_directories(${target} ${scope} ${CMAKE_BINARY_DIR}/include/${name})
  target_link_libraries(${target} ${scope} ${M_PUBLIC})
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    foreach(library ${M_FORBID})
      target_include_directories(${target} BEFORE PRIVATE ${CMAKE_BINARY_DIR}/poison/${library})
    endforeach()
    target_include_directories(${target} PRIVATE ${CMAKE_BINARY_DIR}/private/${name})
    target_link_libraries(${target} PRIVATE ${M_PRIVATE})
  endif()
endfunction()

# pgphase_module(<name> HEADERS <include/pgphase files it owns> PUBLIC <targets its headers
#   need> PRIVATE <targets only its sources need> FORBID <poisoned libraries>)
# Defines pgphase_<name> from src/<name>/**.cc (an INTERFACE library when there are none).
function(pgphase_module name)
  cmake_parse_arguments(M "" "" "HEADERS;PUBLIC;PRIVATE;FORBID" ${ARGN})
  set(pub ${CMAKE_BINARY_DIR}/include/${name}/pgphase)
  file(REMOVE_RECURSE ${CMAKE_BINARY_DIR}/include/${name})
  file(MAKE_DIRECTORY ${pub})
  set(owned ${PGPHASE_OWNED_HEADERS})
  foreach(header ${M_HEADERS})
    if(header IN_LIST owned)
      message(FATAL_ERROR "include/pgphase/${header} is claimed by two modules")
    endif()
    list(APPEND owned ${header})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/include/pgphase/${header} ${pub}/${header} SYMBOLIC)
  endforeach()
  set(PGPHASE_OWNED_HEADERS ${owned} PARENT_SCOPE)
  file(REMOVE_RECURSE ${CMAKE_BINARY_DIR}/private/${name})
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/private/${name})
  if(EXISTS ${CMAKE_SOURCE_DIR}/src/${name})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${name} ${CMAKE_BINARY_DIR}/private/${name}/${name}
      SYMBOLIC)
  endif()
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cc)
  if(srcs)
    add_library(pgphase_${name} STATIC ${srcs})
  else()
    add_library(pgphase_${name} INTERFACE)
  endif()
  _pgphase_module_usage(pgphase_${name} ${name} ${ARGN})
  set_property(GLOBAL PROPERTY pgphase_module_${name} "${ARGN}")
endfunction()

# Every header in include/pgphase/ belongs to exactly one module.
function(pgphase_check_header_owners)
  file(GLOB headers RELATIVE ${CMAKE_SOURCE_DIR}/include/pgphase
    ${CMAKE_SOURCE_DIR}/include/pgphase/*.h)
  foreach(header ${headers})
    if(NOT header IN_LIST PGPHASE_OWNED_HEADERS)
      message(FATAL_ERROR "include/pgphase/${header} belongs to no module: add it to the "
        "HEADERS of its module in CMakeLists.txt")
    endif()
  endforeach()
endfunction()

# pgphase_boundary_probe(<module> <probe source> <regex its build must print>)
# A target built only by its test: the probe compiled exactly as <module>'s own sources are.
# An empty regex means the probe must build.
function(pgphase_boundary_probe module source expect)
  get_filename_component(probe ${source} NAME_WE)
  add_library(boundary_${probe} OBJECT EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/${source})
  get_property(usage GLOBAL PROPERTY pgphase_module_${module})
  _pgphase_module_usage(boundary_${probe} ${module} ${usage})
  add_test(NAME BoundaryTest.${probe}
    COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target boundary_${probe})
  set_tests_properties(BoundaryTest.${probe} PROPERTIES LABELS unit RESOURCE_LOCK pgphase_build_tree)
  if(expect)
    set_tests_properties(BoundaryTest.${probe} PROPERTIES PASS_REGULAR_EXPRESSION "${expect}")
  endif()
endfunction()

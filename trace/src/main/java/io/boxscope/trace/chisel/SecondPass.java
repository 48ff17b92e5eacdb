package io.boxscope.trace.chisel;

import java.nio.file.Path;

/**
 * A second reading of the capture file a chisel asks for at its end, as sysdig 0.29's {@code around.lua} runs
 * sysdig again ({@code sysdig.run_app("-F -rSOURCE -wWRITE FILTER")}, lua_cbacks::run_app in chisel_api.cpp):
 * the front end reads {@code source} again and writes the events {@code filter} keeps to {@code write}, as
 * {@code trace -r SOURCE -w WRITE FILTER} does.
 *
 * @param source the file the chisel read
 * @param write  the file to write
 * @param filter sysdig's filter text; empty for every event (what sysdig writes when the text is empty)
 */
public record SecondPass(Path source, Path write, String filter) {}

package io.boxscope.trace.scap;

/** A group of the user list block (UL): /etc/group's gid and name. */
public record GroupInfo(int gid, String name) {}

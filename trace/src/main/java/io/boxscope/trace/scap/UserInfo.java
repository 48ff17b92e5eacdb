package io.boxscope.trace.scap;

/** A user of the user list block (UL): /etc/passwd's uid, gid, name, home and shell. */
public record UserInfo(int uid, int gid, String name, String home, String shell) {}

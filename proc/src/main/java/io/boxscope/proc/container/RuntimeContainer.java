package io.boxscope.proc.container;

/** What a runtime's API says of one of its containers. */
public record RuntimeContainer(String id, String name, String image, String state) {}

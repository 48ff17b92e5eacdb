package io.boxscope.mem.smaps;

import java.nio.charset.StandardCharsets;

/**
 * One line of {@code /proc/PID/maps} plus, when read from {@code smaps}, its detail lines
 * (proc(5), Documentation/filesystems/proc.rst "smaps").
 *
 * <p>The header fields are kept exactly as the kernel printed them ({@code startHex},
 * {@code offsetHex}, {@code device}, {@code inode}) because pmap's output derives its column
 * widths from those strings. {@code name} is a byte string: one char per byte (ISO-8859-1), since
 * paths are arbitrary bytes; {@link #displayName()} decodes it as UTF-8 for humans.
 *
 * @param vmFlags the VmFlags line's value (two-letter flags separated by spaces), or empty when absent
 */
public record Mapping(String startHex, String endHex, long start, long end, String perms, String offsetHex,
        String device, String inode, String name, SmapsFields fields, String vmFlags) {

    /** Bytes of address space (end - start). */
    public long sizeBytes() {
        return end - start;
    }

    /** A detail field in kB, or 0 if the kernel did not print it. */
    public long kb(String field) {
        return fields.get(field, 0);
    }

    /** True for MAP_SHARED mappings ('s' in the fourth permission column). */
    public boolean shared() {
        return perms.length() > 3 && perms.charAt(3) == 's';
    }

    /** Device major number (hex in the file); 0 for anonymous memory, tmpfs and special mappings. */
    public int deviceMajor() {
        int colon = device.indexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(device, 0, colon, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Device minor number. */
    public int deviceMinor() {
        int colon = device.indexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(device, colon + 1, device.length(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Inode as a number (0 for anonymous memory). */
    public long inodeNumber() {
        try {
            return Long.parseUnsignedLong(inode);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The name decoded as UTF-8 (invalid bytes become U+FFFD). */
    public String displayName() {
        return decode(name);
    }

    /** True if the kernel marked the backing file as unlinked. */
    public boolean deleted() {
        return name.endsWith(" (deleted)");
    }

    /** Turns a byte string (one char per byte) into text, decoding UTF-8. */
    public static String decode(String byteString) {
        for (int i = 0; i < byteString.length(); i++) {
            if (byteString.charAt(i) >= 0x80) {
                return new String(byteString.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return byteString;
    }
}

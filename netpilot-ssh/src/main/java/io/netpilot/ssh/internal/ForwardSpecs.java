package io.netpilot.ssh.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads the {@code -R} arguments of an {@code ssh}, {@code autossh} or {@code dbclient} command line
 * and the relay ports they bind. Stateless.
 */
final class ForwardSpecs {
    /** OpenSSH and dropbear options that take an argument; the rest of a cluster after one is its value. */
    private static final String WITH_ARGUMENT = "BbcDEeFIiJKLlMmOoPpQRSWw";

    private ForwardSpecs() {}

    /** The ports bound by every {@code -R} in {@code commandLine} (split on whitespace, as ps shows it). */
    static List<Integer> remotePorts(String commandLine) {
        String[] words = commandLine.strip().split("\\s+");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.length() < 2 || w.charAt(0) != '-' || w.startsWith("--")) {
                continue;
            }
            for (int j = 1; j < w.length(); j++) {
                char c = w.charAt(j);
                if (WITH_ARGUMENT.indexOf(c) < 0) {
                    continue;
                }
                String value = j + 1 < w.length() ? w.substring(j + 1) : (i + 1 < words.length ? words[i + 1] : "");
                if (c == 'R') {
                    listenPort(value).ifPresent(ports::add);
                }
                if (j + 1 >= w.length()) {
                    i++; // the next word was this option's value
                }
                break;
            }
        }
        return ports;
    }

    /**
     * The listen port of one {@code -R} value: {@code [bind:]port:host:hostport},
     * {@code [bind:]port:socket} or {@code [bind:]port}; a bind address may be bracketed IPv6.
     */
    static OptionalInt listenPort(String spec) {
        List<String> fields = split(spec);
        if (fields.isEmpty()) {
            return OptionalInt.empty();
        }
        String candidate;
        switch (fields.size()) {
            case 1 -> candidate = fields.get(0);
            case 2, 3 -> candidate = isPort(fields.get(0)) ? fields.get(0) : fields.get(1);
            default -> candidate = fields.get(1);
        }
        return isPort(candidate) ? OptionalInt.of(Integer.parseInt(candidate)) : OptionalInt.empty();
    }

    private static boolean isPort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535;
    }

    /** Splits on {@code :} outside brackets; brackets are removed from a bracketed field. */
    private static List<String> split(String spec) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean bracket = false;
        for (char c : spec.toCharArray()) {
            if (c == '[') {
                bracket = true;
            } else if (c == ']') {
                bracket = false;
            } else if (c == ':' && !bracket) {
                fields.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        fields.add(current.toString());
        return fields;
    }
}

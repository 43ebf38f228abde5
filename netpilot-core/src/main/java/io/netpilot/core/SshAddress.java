package io.netpilot.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where to log in with SSH: {@code user@host:port}. The host is a DNS name or an IP literal;
 * anything else (spaces, {@code ;}, quotes, {@code $}) is refused, so an address can never smuggle
 * a shell word anywhere.
 *
 * @param user the login name
 * @param host the host name or IP address (IPv6 without brackets)
 * @param port the SSH port, 1 to 65535
 */
public record SshAddress(String user, String host, int port) {
    /** The SSH port assumed when a text form names none. */
    public static final int DEFAULT_PORT = 22;

    private static final Pattern FORM = Pattern.compile("([^@]+)@(\\[[^\\]]+\\]|[^:\\[\\]]+|[0-9A-Fa-f:]+)(?::(\\d{1,5}))?");

    /** @throws InvalidInputException when a part is not valid */
    public SshAddress {
        Checks.user("user", user);
        Checks.host("host", host);
        Checks.port("SSH port", port);
    }

    /**
     * Parses {@code user@host}, {@code user@host:port} or {@code user@[v6]:port}.
     *
     * @throws InvalidInputException when the text is not of that form or a part is not valid
     */
    public static SshAddress parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new InvalidInputException("expected USER@HOST[:PORT], got " + Checks.printable(String.valueOf(text)));
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = DEFAULT_PORT;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
        }
        return new SshAddress(m.group(1), host, port);
    }

    /** {@code host:port}, with IPv6 hosts in brackets; the key used in known_hosts and state files. */
    public String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + hostAndPort();
    }
}

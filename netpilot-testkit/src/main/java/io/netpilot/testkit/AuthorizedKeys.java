package io.netpilot.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSSH {@code authorized_keys} lines with the options the relay honours: {@code restrict},
 * {@code port-forwarding}, {@code no-port-forwarding}, {@code permitlisten="[host:]port"} (repeatable),
 * {@code permitopen="host:port"} (repeatable) and {@code command="..."}. Other options are accepted and
 * ignored. Stateless, thread-safe.
 */
final class AuthorizedKeys {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeys.class);

    /** Where a key may listen or connect: a host ({@code *} for any) and a port. */
    record HostPort(String host, int port) {
        boolean matches(String requestedHost, int requestedPort) {
            return port == requestedPort && (host.equals("*") || sameHost(host, requestedHost));
        }

        private static boolean sameHost(String a, String b) {
            return normalize(a).equals(normalize(b));
        }

        private static String normalize(String host) {
            return host.equalsIgnoreCase("localhost") ? "127.0.0.1" : host.toLowerCase(java.util.Locale.ROOT);
        }

        static HostPort parse(String text, String defaultHost) {
            int colon = text.lastIndexOf(':');
            String host = colon < 0 ? defaultHost : text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new HostPort(host, Integer.parseInt(text.substring(colon + 1)));
        }
    }

    /**
     * What one authorized key may do.
     *
     * @param key the key
     * @param portForwarding whether it may forward at all
     * @param permitListen where it may listen ({@code -R}); empty means anywhere allowed
     * @param permitOpen where it may connect ({@code direct-tcpip}); empty means anywhere allowed
     * @param command the forced command, run instead of whatever the client asks
     * @param line the line it came from
     */
    record Grant(PublicKey key, boolean portForwarding, List<HostPort> permitListen, List<HostPort> permitOpen,
            Optional<String> command, String line) {
        Grant {
            permitListen = List.copyOf(permitListen);
            permitOpen = List.copyOf(permitOpen);
        }

        boolean mayListen(String host, int port) {
            return portForwarding && (permitListen.isEmpty() || permitListen.stream().anyMatch(p -> p.matches(host, port)));
        }

        boolean mayOpen(String host, int port) {
            return portForwarding && (permitOpen.isEmpty() || permitOpen.stream().anyMatch(p -> p.matches(host, port)));
        }
    }

    private AuthorizedKeys() {}

    /** The grant of the first line of {@code file} naming {@code key}; the file is read now. */
    static Optional<Grant> find(Path file, PublicKey key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
        for (String line : lines) {
            Optional<Grant> grant = parse(line);
            if (grant.isPresent() && KeyUtils.compareKeys(grant.get().key(), key)) {
                return grant;
            }
        }
        return Optional.empty();
    }

    /**
     * The key of an {@code authorized_keys} line.
     *
     * @throws IllegalArgumentException when the line holds no readable public key
     */
    static PublicKey publicKey(String line) {
        return parse(java.util.Objects.requireNonNull(line, "line")).map(Grant::key)
                .orElseThrow(() -> new IllegalArgumentException("not a public key line: " + line));
    }

    /** One line; empty for comments, blank lines and lines that cannot be read (logged). */
    static Optional<Grant> parse(String rawLine) {
        String line = rawLine.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return Optional.empty();
        }
        try {
            String options = "";
            String rest = line;
            if (!looksLikeKeyType(line)) {
                int end = endOfOptions(line);
                options = line.substring(0, end);
                rest = line.substring(end).strip();
            }
            String[] parts = rest.split("\\s+", 3);
            if (parts.length < 2) {
                throw new IllegalArgumentException("no key after the options");
            }
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(parts[0] + " " + parts[1])
                    .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
            return Optional.of(grant(key, splitOptions(options), line));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("ignoring unreadable authorized_keys line '{}': {}", line, e.toString());
            return Optional.empty();
        }
    }

    private static Grant grant(PublicKey key, List<String> options, String line) {
        boolean restrict = false;
        boolean noForwarding = false;
        boolean forwarding = false;
        List<HostPort> listen = new ArrayList<>();
        List<HostPort> open = new ArrayList<>();
        Optional<String> command = Optional.empty();
        for (String option : options) {
            int eq = option.indexOf('=');
            String name = (eq < 0 ? option : option.substring(0, eq)).toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? "" : unquote(option.substring(eq + 1));
            switch (name) {
                case "restrict" -> restrict = true;
                case "no-port-forwarding" -> noForwarding = true;
                case "port-forwarding" -> forwarding = true;
                case "permitlisten" -> listen.add(HostPort.parse(value, "127.0.0.1"));
                case "permitopen" -> open.add(HostPort.parse(value, "127.0.0.1"));
                case "command" -> command = Optional.of(value);
                default -> LOG.debug("authorized_keys option '{}' is not modelled by the embedded relay", name);
            }
        }
        boolean mayForward = !noForwarding && (forwarding || !restrict);
        return new Grant(key, mayForward, listen, open, command, line);
    }

    private static boolean looksLikeKeyType(String line) {
        return line.startsWith("ssh-") || line.startsWith("ecdsa-") || line.startsWith("sk-");
    }

    private static int endOfOptions(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && Character.isWhitespace(c)) {
                return i;
            }
        }
        throw new IllegalArgumentException("options without a key");
    }

    private static List<String> splitOptions(String options) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (quoted && c == '\\' && i + 1 < options.length()) {
                current.append(c).append(options.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == ',' && !quoted) {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in the options");
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value;
    }
}

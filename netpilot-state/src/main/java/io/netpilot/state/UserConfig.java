package io.netpilot.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The user's defaults in {@code <home>/config.json}, read by the CLI ({@code connect}, {@code doctor})
 * and read and written by the desktop's settings:
 * {@code {"relay": "tunnel@relay.example.com", "relayKey": "/home/me/.ssh/id_ed25519", "tunnelUser": "tunnel",
 * "portRange": "20000-20999", "leaseTtl": "2m"}}. A missing file means no defaults; a broken one is one
 * clear error. Values are kept as the user typed them (the callers validate them, with the CLI's
 * messages, through {@link io.netpilot.core.ConnectArgs}). Immutable.
 *
 * @param relay the default relay, {@code user@host[:port]}
 * @param relayKey the private key file for the relay (default: the agent's key)
 * @param tunnelUser the default relay account for routers
 * @param portRange the default relay port range, {@code A-B}
 * @param leaseTtl the default lease, e.g. {@code 2m}
 */
public record UserConfig(Optional<String> relay, Optional<String> relayKey, Optional<String> tunnelUser, Optional<String> portRange,
        Optional<String> leaseTtl) {
    /** The file's name in the home. */
    public static final String FILE_NAME = "config.json";
    /** No defaults at all. */
    public static final UserConfig EMPTY = new UserConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    private static final ObjectMapper JSON = new ObjectMapper();

    public UserConfig {
        relay = blankless(relay);
        relayKey = blankless(relayKey);
        tunnelUser = blankless(tunnelUser);
        portRange = blankless(portRange);
        leaseTtl = blankless(leaseTtl);
    }

    /**
     * Reads the file; a missing file is {@link #EMPTY}.
     *
     * @throws InvalidInputException when the file exists but is not a JSON object
     * @throws io.netpilot.core.StateCorruptException when it is a link, not a regular file, or over 4 MiB
     */
    public static UserConfig read(Path file) {
        Optional<JsonNode> n = object(file);
        if (n.isEmpty()) {
            return EMPTY;
        }
        JsonNode o = n.get();
        return new UserConfig(text(o, "relay"), text(o, "relayKey"), text(o, "tunnelUser"), text(o, "portRange"), text(o, "leaseTtl"));
    }

    /**
     * Writes these values to {@code file} atomically (owner-only), keeping any other fields the file has.
     *
     * @throws InvalidInputException when the existing file is not a JSON object (it is left as it is)
     * @throws NetPilotException when it cannot be written
     */
    public void write(Path file) {
        ObjectNode o = object(file).map(n -> (ObjectNode) n.deepCopy()).orElseGet(JSON::createObjectNode);
        Map<String, Optional<String>> fields = Map.of("relay", relay, "relayKey", relayKey, "tunnelUser", tunnelUser,
                "portRange", portRange, "leaseTtl", leaseTtl);
        for (Map.Entry<String, Optional<String>> f : fields.entrySet()) {
            f.getValue().ifPresentOrElse(v -> o.put(f.getKey(), v), () -> o.remove(f.getKey()));
        }
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            throw new NetPilotException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<JsonNode> object(Path file) {
        // Bounded, never through a link, never a FIFO (which would block): see NetPilotHome.readFile.
        Optional<byte[]> bytes = NetPilotHome.readFile(file);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(bytes.get());
            if (n == null || !n.isObject()) {
                throw new InvalidInputException(file + " must hold a JSON object such as {\"relay\": \"tunnel@relay.example.com\"}");
            }
            return Optional.of(n);
        } catch (IOException e) {
            throw new InvalidInputException(file + " is not valid JSON (" + e.getMessage() + "); fix or remove it");
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<String> blankless(Optional<String> value) {
        return value.map(String::strip).filter(s -> !s.isEmpty());
    }
}

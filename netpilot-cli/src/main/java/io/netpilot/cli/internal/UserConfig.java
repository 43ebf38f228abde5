package io.netpilot.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpilot.core.InvalidInputException;
import io.netpilot.state.NetPilotHome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Defaults from {@code <home>/config.json}, so {@code connect} stays short:
 * {@code {"relay": "tunnel@relay.example.com", "tunnelUser": "tunnel", "portRange": "20000-20999"}}.
 * Read-only; a missing file means no defaults; a broken one is one clear error. Immutable.
 *
 * @param relay the default relay
 * @param tunnelUser the default relay account for routers
 * @param portRange the default relay port range
 */
public record UserConfig(Optional<String> relay, Optional<String> tunnelUser, Optional<String> portRange) {
    /**
     * @throws InvalidInputException when the file exists but is not a JSON object
     * @throws io.netpilot.core.StateCorruptException when it is a link, not a regular file, or over 4 MiB
     */
    public static UserConfig read(Path file) {
        // Bounded, never through a link, never a FIFO (which would block): see NetPilotHome.readFile.
        Optional<byte[]> bytes = NetPilotHome.readFile(file);
        if (bytes.isEmpty()) {
            return new UserConfig(Optional.empty(), Optional.empty(), Optional.empty());
        }
        try {
            JsonNode n = StatusDocument.JSON.readTree(bytes.get());
            if (n == null || !n.isObject()) {
                throw new InvalidInputException(file + " must hold a JSON object such as {\"relay\": \"tunnel@relay.example.com\"}");
            }
            return new UserConfig(StatusDocument.text(n, "relay"), StatusDocument.text(n, "tunnelUser"), StatusDocument.text(n, "portRange"));
        } catch (IOException e) {
            throw new InvalidInputException(file + " is not valid JSON (" + e.getMessage() + "); fix or remove it");
        }
    }
}

package io.netpilot.state.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.UnsupportedSchemaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A state file's bytes and parse, before it is decoded; read with a bound, never through a link.
 * Immutable.
 *
 * @param file where it was read
 * @param bytes its content, empty when there is no file
 * @param tree its JSON, when it parsed as an object
 * @param error why it cannot be used, when it cannot
 */
record RawStateFile(Path file, Optional<byte[]> bytes, Optional<JsonNode> tree, Optional<String> error) {
    void refuseNewerSchema(int newest) {
        tree.map(t -> t.get("schemaVersion")).filter(JsonNode::isIntegralNumber).map(JsonNode::asLong)
                .filter(v -> v > newest)
                .ifPresent(v -> {
                    throw new UnsupportedSchemaException(file + " has schemaVersion " + v + ", but this NetPilot reads only up to "
                            + newest + "; it was written by a newer NetPilot, so upgrade this one (the file was left untouched)");
                });
    }

    static RawStateFile read(ObjectMapper mapper, Path file) {
        byte[] bytes;
        try {
            Optional<byte[]> content = HomeFiles.read(file);
            if (content.isEmpty()) {
                return new RawStateFile(file, Optional.empty(), Optional.empty(), Optional.empty());
            }
            bytes = content.get();
        } catch (HomeFiles.TooLargeException e) {
            return new RawStateFile(file, Optional.of(new byte[0]), Optional.empty(),
                    Optional.of("it is larger than the " + HomeFiles.MAX_BYTES / (1024 * 1024) + " MiB a state file may hold"));
        } catch (IOException e) {
            throw new StateCorruptException("cannot read " + file + " (" + e + "); check its permissions, it should be owned by you and 0600", e);
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return new RawStateFile(file, Optional.of(bytes), Optional.empty(), Optional.of("the file is empty"));
        }
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                return new RawStateFile(file, Optional.of(bytes), Optional.empty(), Optional.of("it is not a JSON object"));
            }
            return new RawStateFile(file, Optional.of(bytes), Optional.of(tree), Optional.empty());
        } catch (IOException e) {
            return new RawStateFile(file, Optional.of(bytes), Optional.empty(), Optional.of("it is not valid JSON: " + firstLine(e)));
        }
    }

    static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

package io.netpilot.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link EmbeddedRelay} before each test, in its own temporary directory, and closes it
 * after; the test FAILS when a process started through the relay is still alive after the close.
 * Register it on an instance field with {@code @RegisterExtension}. Not thread-safe: one test at a
 * time per instance (JUnit's default).
 */
// JUnit/ArchUnit are optional (requires static): users of this type bring them, so they are not re-exported.
@SuppressWarnings("exports")
public final class RelayExtension implements BeforeEachCallback, AfterEachCallback {
    private EmbeddedRelay relay;
    private Path dir;

    private RelayExtension() {}

    public static RelayExtension create() {
        return new RelayExtension();
    }

    /**
     * The running relay of the current test.
     *
     * @throws IllegalStateException outside a test
     */
    public EmbeddedRelay relay() {
        if (relay == null) {
            throw new IllegalStateException("no relay: register RelayExtension with @RegisterExtension on an instance field, and use it inside a test");
        }
        return relay;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("netpilot-relay-");
        relay = EmbeddedRelay.start(dir);
    }

    /** @throws AssertionError when a process started through the relay outlived its close */
    @Override
    public void afterEach(ExtensionContext context) {
        EmbeddedRelay r = relay;
        relay = null;
        if (r != null) {
            Dirs.closeChecked(r, r::livePids, "relay", dir);
        }
    }
}

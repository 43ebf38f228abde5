package io.netpilot.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link EmbeddedRouter} before each test, in its own temporary directory, and closes it
 * after; the test FAILS when a process started through the router is still alive after the close.
 * Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension final RouterExtension routerExt = RouterExtension.busybox();
 * }</pre>
 *
 * Not thread-safe: one test at a time per instance (JUnit's default).
 */
// JUnit/ArchUnit are optional (requires static): users of this type bring them, so they are not re-exported.
@SuppressWarnings("exports")
public final class RouterExtension implements BeforeEachCallback, AfterEachCallback {
    private final EmbeddedRouter.Flavour flavour;
    private EmbeddedRouter router;
    private Path dir;

    private RouterExtension(EmbeddedRouter.Flavour flavour) {
        this.flavour = flavour;
    }

    /** A router whose commands see the machine's own tools (procps {@code ps}). */
    public static RouterExtension procps() {
        return new RouterExtension(EmbeddedRouter.Flavour.PROCPS);
    }

    /** A router whose commands see busybox applets first ({@code ps} without PPID). */
    public static RouterExtension busybox() {
        return new RouterExtension(EmbeddedRouter.Flavour.BUSYBOX);
    }

    /**
     * The running router of the current test.
     *
     * @throws IllegalStateException outside a test
     */
    public EmbeddedRouter router() {
        if (router == null) {
            throw new IllegalStateException("no router: register RouterExtension with @RegisterExtension on an instance field, and use it inside a test");
        }
        return router;
    }

    /** @throws org.opentest4j.TestAbortedException for a busybox router without busybox (outside CI) */
    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (flavour == EmbeddedRouter.Flavour.BUSYBOX) {
            Binaries.require("busybox");
        }
        dir = Files.createTempDirectory("netpilot-router-");
        router = EmbeddedRouter.start(flavour, dir);
    }

    /** @throws AssertionError when a process started through the router outlived its close */
    @Override
    public void afterEach(ExtensionContext context) {
        EmbeddedRouter r = router;
        router = null;
        if (r != null) {
            Dirs.closeChecked(r, r::livePids, "router", dir);
        }
    }
}

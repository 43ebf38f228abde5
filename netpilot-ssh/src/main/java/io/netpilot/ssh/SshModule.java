package io.netpilot.ssh;

import com.google.inject.AbstractModule;
import io.netpilot.ssh.internal.SshInternals;
import java.util.Objects;

/**
 * Binds {@link io.netpilot.core.spi.ShellConnector} and {@link SshTransport} (one shared client, a
 * singleton), {@link io.netpilot.core.RemoteProcessController} and {@link RouterKeyInstaller}.
 * The application closes the {@link SshTransport} at exit. Immutable; Guice modules are used by one
 * injector at a time.
 */
public final class SshModule extends AbstractModule {
    private final SshSettings settings;

    /** A module for a client running with {@code settings}. */
    public SshModule(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    protected void configure() {
        install(SshInternals.module(settings));
    }
}

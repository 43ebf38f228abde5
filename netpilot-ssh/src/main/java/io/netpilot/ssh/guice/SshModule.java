package io.netpilot.ssh.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.SshProcessControllers;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import java.util.Objects;

/**
 * For Guice users who wire the SSH parts themselves: binds {@link SshSettings} (the instance given),
 * {@link SshTransport} (one started client, a singleton) also as {@link ShellConnector},
 * {@link RemoteProcessController} and {@link RouterKeyInstaller}. The application closes the
 * {@link SshTransport} at exit. Most applications want {@code NetPilotGuiceModule} (in
 * {@code io.netpilot.state.guice}), which binds the front door instead. Immutable.
 */
// Guice is optional (requires static): a user of this module brings it, so its type need not be re-exported.
@SuppressWarnings("exports")
public final class SshModule extends AbstractModule {
    private final SshSettings settings;

    /**
     * A module for a client running with {@code settings}.
     *
     * @param settings the client's settings
     */
    public SshModule(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    protected void configure() {
        bind(SshSettings.class).toInstance(settings);
        bind(ShellConnector.class).to(SshTransport.class);
    }

    @Provides
    @Singleton
    SshTransport transport(SshSettings s) {
        return SshTransport.start(s);
    }

    @Provides
    @Singleton
    RemoteProcessController processes() {
        return SshProcessControllers.create();
    }

    @Provides
    @Singleton
    RouterKeyInstaller keyInstaller() {
        return RouterKeyInstaller.create();
    }
}

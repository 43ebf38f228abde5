package io.netpilot.ssh.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;

/** The bindings behind {@link io.netpilot.ssh.SshModule}. */
final class InternalSshModule extends AbstractModule {
    private final SshSettings settings;

    InternalSshModule(SshSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(SshSettings.class).toInstance(settings);
        bind(ShellConnector.class).to(SshTransport.class);
        bind(RemoteProcessController.class).to(SshRemoteProcessController.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    SshTransport transport(SshSettings s) {
        return new MinaSshTransport(s);
    }

    @Provides
    @Singleton
    RouterKeyInstaller keyInstaller() {
        return new ShellRouterKeyInstaller("/etc/dropbear");
    }
}

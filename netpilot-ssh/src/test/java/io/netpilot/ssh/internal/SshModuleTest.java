package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.guice.SshModule;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.testkit.arch.NetPilotArchitecture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshModuleTest {
    @Test
    void bindsOneSharedTransportAndTheControllers(@TempDir Path home) {
        Injector injector = Guice.createInjector(new SshModule(SshSettings.defaults(home.resolve("kh"), home.resolve("id"))));
        SshTransport transport = injector.getInstance(SshTransport.class);
        try {
            assertThat(injector.getInstance(ShellConnector.class)).isSameAs(transport);
            assertThat(injector.getInstance(RemoteProcessController.class)).isInstanceOf(SshRemoteProcessController.class);
            assertThat(injector.getInstance(RouterKeyInstaller.class)).isInstanceOf(ShellRouterKeyInstaller.class);
            assertThat(transport.settings().knownHosts()).isEqualTo(home.resolve("kh"));
        } finally {
            transport.close();
        }
    }

    @Test
    void followsTheArchitectureRules() {
        NetPilotArchitecture.ALL.check(NetPilotArchitecture.importProductionClasses());
    }
}

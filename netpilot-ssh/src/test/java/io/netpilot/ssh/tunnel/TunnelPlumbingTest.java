package io.netpilot.ssh.tunnel;

import io.netpilot.ssh.guice.TunnelModule;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import org.junit.jupiter.api.Test;

/** The API reaches the package-private implementations, directly and through Guice. */
class TunnelPlumbingTest {
    @Test
    void factoriesAndModuleHandOutTheImplementations() {
        assertThat(TunnelPlumbing.launcher(ClientKind.DBCLIENT).getClass().getSimpleName()).isEqualTo("ShTunnelLauncher");
        assertThat(TunnelPlumbing.relayGateway().getClass().getSimpleName()).isEqualTo("OpenSshRelayGateway");
        assertThat(TunnelPlumbing.portAllocator().getClass().getSimpleName()).isEqualTo("RelayPortAllocator");
        assertThat(TunnelPlumbing.probe().getClass().getSimpleName()).isEqualTo("BannerProbe");

        Injector injector = Guice.createInjector(new TunnelModule());
        assertThat(injector.getInstance(TunnelLauncher.class)).isNotNull();
        assertThat(injector.getInstance(RelayGateway.class)).isNotNull();
        assertThat(injector.getInstance(PortAllocator.class)).isNotNull();
        assertThat(injector.getInstance(EndToEndProbe.class)).isNotNull();
    }
}

package io.netpilot.state;

import io.netpilot.state.guice.StateModule;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.netpilot.core.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateModuleTest {
    @TempDir
    Path dir;

    @Test
    void theModuleProvidesOneJsonStoreOverTheHomeAndLeavesClockFreeForTheApplication() {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        Injector injector = Guice.createInjector(new StateModule(home), new AbstractModule() {
            @Override
            protected void configure() {
                bind(Clock.class).toInstance(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
            }
        });

        StateStore store = injector.getInstance(StateStore.class);
        assertThat(injector.getInstance(StateStore.class)).isSameAs(store);
        assertThat(injector.getInstance(NetPilotHome.class)).isEqualTo(home);
        store.saveTunnel(TestRecords.requested(1));

        assertThat(home.tunnelStateFile()).exists();
        assertThat(StateStores.open(home, Clock.systemUTC()).tunnels()).containsExactly(TestRecords.requested(1));
    }
}

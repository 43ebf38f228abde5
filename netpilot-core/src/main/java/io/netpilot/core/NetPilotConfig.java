package io.netpilot.core;

import io.netpilot.core.spi.StateService;
import io.netpilot.core.spi.TransportService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** What a {@link NetPilotBuilder} collected, resolved. Immutable. */
record NetPilotConfig(
        Path home,
        ManagerSettings settings,
        Clock clock,
        RouterClient routerClient,
        TransportService transport,
        StateService state,
        Duration exitCleanupBound,
        Optional<Duration> networkWatch,
        boolean controlChannel,
        boolean shutdownHook,
        Optional<Consumer<RestoreReport>> onRestored,
        Consumer<CleanupReport> onExitCleanup) {}

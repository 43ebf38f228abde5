package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetworkWatcherTest {
    private final AtomicReference<Set<String>> network = new AtomicReference<>(Set.of("eth0=192.0.2.10"));
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger changes = new AtomicInteger();
    private final List<NetworkWatcher> watchers = new ArrayList<>();

    @AfterEach
    void stopWatchers() {
        watchers.forEach(NetworkWatcher::close);
    }

    private NetworkWatcher watch(Supplier<Set<String>> source, Runnable onChange) {
        NetworkWatcher watcher = NetworkWatcher.start(Duration.ofMillis(20), source, onChange);
        watchers.add(watcher);
        return watcher;
    }

    private Set<String> poll() {
        polls.incrementAndGet();
        return network.get();
    }

    @Test
    void saysSoOncePerChangeAndNeverWhenNothingChanged() {
        watch(this::poll, changes::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() >= 5);
        assertThat(changes).hasValue(0);

        network.set(Set.of("wlan0=198.51.100.7"));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 1);
        int pollsAtChange = polls.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() >= pollsAtChange + 5);
        assertThat(changes).as("the same network again is no change").hasValue(1);

        network.set(Set.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 2);
    }

    @Test
    void aFailingSourceDoesNotStopTheWatch() {
        AtomicInteger calls = new AtomicInteger();
        watch(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("interfaces unreadable for a moment");
            }
            return calls.get() < 4 ? Set.of("eth0=192.0.2.10") : Set.of("eth0=192.0.2.11");
        }, changes::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 1);
    }

    @Test
    void closedWatcherCallsNoMore() {
        watch(this::poll, changes::incrementAndGet).close();
        int after = polls.get();
        network.set(Set.of("eth1=203.0.113.5"));
        // Bounded observation: several intervals pass (measured by a second watcher's polls).
        AtomicInteger ticks = new AtomicInteger();
        watch(() -> Set.of(String.valueOf(ticks.incrementAndGet())), () -> {});
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 10);
        assertThat(polls.get()).isLessThanOrEqualTo(after + 1);
        assertThat(changes).hasValue(0);
    }

    @Test
    void readsThisMachinesInterfacesWithoutLoopback() {
        assertThat(NetworkWatcher.currentNetwork()).allSatisfy(entry -> assertThat(entry).doesNotStartWith("lo="));
    }

    @Test
    void refusesANonPositiveInterval() {
        assertThatThrownBy(() -> NetworkWatcher.start(Duration.ZERO, () -> {})).isInstanceOf(InvalidInputException.class);
    }
}

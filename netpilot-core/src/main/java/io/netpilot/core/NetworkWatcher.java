package io.netpilot.core;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the agent's own network changes (an interface goes up or down, an address comes or
 * goes: Wi-Fi to cable, VPN up, a laptop waking) and says so, so that the tunnel manager probes at
 * once instead of at its next interval ({@link TunnelManager#networkChanged()}). The JDK
 * has no change notification, so it compares the set of up, non-loopback interfaces and their
 * addresses every {@code interval}. Thread-safe; {@link #close()} stops it.
 */
public final class NetworkWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkWatcher.class);

    private final ScheduledExecutorService timer;

    private NetworkWatcher(Duration interval, Supplier<Set<String>> network, Runnable onChange) {
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("netpilot-network-watch").factory());
        AtomicReference<Set<String>> last = new AtomicReference<>(network.get());
        timer.scheduleWithFixedDelay(() -> {
            try {
                Set<String> now = network.get();
                Set<String> before = last.getAndSet(now);
                if (!now.equals(before)) {
                    LOG.info("the network changed: {} -> {}", before, now);
                    onChange.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("network watch: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Watches this machine's interfaces, calling {@code onChange} (on the watcher's thread; keep it
     * short) after each change.
     *
     * @throws InvalidInputException when {@code interval} is not positive
     */
    public static NetworkWatcher start(Duration interval, Runnable onChange) {
        return start(interval, NetworkWatcher::currentNetwork, onChange);
    }

    /** As {@link #start(Duration, Runnable)}, over any source of "what the network looks like now". */
    static NetworkWatcher start(Duration interval, Supplier<Set<String>> network, Runnable onChange) {
        Objects.requireNonNull(interval, "interval");
        if (!interval.isPositive()) {
            throw new InvalidInputException("network watch interval must be positive, not " + interval);
        }
        return new NetworkWatcher(interval, Objects.requireNonNull(network, "network"), Objects.requireNonNull(onChange, "onChange"));
    }

    /** Every up, non-loopback interface as {@code name=address}, sorted; empty when none is up. */
    static Set<String> currentNetwork() {
        Set<String> seen = new TreeSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    seen.add(nic.getName() + "=" + address.getHostAddress());
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list network interfaces: {}", e.toString());
        }
        return Collections.unmodifiableSet(seen);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package io.netpilot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A shared relay session runs no more commands at once than an OpenSSH relay allows one connection. */
class SharedRelayShellTest {
    /** A session whose commands run until released, counting how many run at once. */
    private static final class Busy implements RemoteShell {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final AtomicInteger ran = new AtomicInteger();

        @Override
        public SshAddress address() {
            return new SshAddress("agent", "relay.example", 22);
        }

        @Override
        public String hostPublicKey() {
            return FakeWorld.fakeKey("relay");
        }

        @Override
        public CommandResult exec(String command, Duration timeout) {
            ran.incrementAndGet();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return new CommandResult(0, "", "");
        }

        @Override
        public CommandResult exec(String command, byte[] stdin, Duration timeout) {
            return exec(command, timeout);
        }

        @Override
        public RemoteConnection connectLoopback(int port, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void commandsBeyondTheLimitWaitForAFreeChannel() throws Exception {
        Busy session = new Busy();
        SharedRelayShell shared = new SharedRelayShell(session);
        List<CompletableFuture<CommandResult>> commands = new ArrayList<>();
        for (int i = 0; i < SharedRelayShell.MAX_COMMANDS + 4; i++) {
            commands.add(CompletableFuture.supplyAsync(() -> shared.exec("true", Duration.ofSeconds(10)),
                    r -> Thread.ofVirtual().start(r)));
        }
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> session.running.get() == SharedRelayShell.MAX_COMMANDS);

        session.release.countDown();

        for (CompletableFuture<CommandResult> c : commands) {
            assertThat(c.get().exitCode()).isZero();
        }
        assertThat(session.ran.get()).isEqualTo(SharedRelayShell.MAX_COMMANDS + 4);
        assertThat(session.most.get()).isEqualTo(SharedRelayShell.MAX_COMMANDS);
    }

    @Test
    void aCommandThatGetsNoChannelWithinItsTimeoutFailsWithoutRunning() {
        Busy session = new Busy();
        SharedRelayShell shared = new SharedRelayShell(session);
        for (int i = 0; i < SharedRelayShell.MAX_COMMANDS; i++) {
            Thread.ofVirtual().start(() -> shared.exec("sleep", Duration.ofSeconds(10)));
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> session.running.get() == SharedRelayShell.MAX_COMMANDS);

        assertThatThrownBy(() -> shared.exec("late", Duration.ofMillis(100))).isInstanceOf(RemoteCommandException.class)
                .hasMessageContaining("no free channel");

        assertThat(session.ran.get()).isEqualTo(SharedRelayShell.MAX_COMMANDS);
        session.release.countDown();
    }
}

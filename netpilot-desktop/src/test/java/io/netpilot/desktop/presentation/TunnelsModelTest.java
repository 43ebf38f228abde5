package io.netpilot.desktop.presentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The table's model without a display: restore, live events, the tray's summary and its notices. */
class TunnelsModelTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final TunnelId ID = new TunnelId("t0123abcd");

    private final List<TunnelSnapshot> agentSays = new CopyOnWriteArrayList<>();
    private final TunnelsModel model = new TunnelsModel(() -> List.copyOf(agentSays), Runnable::run);

    private static TunnelSnapshot snapshot(TunnelState state, Instant since) {
        return new TunnelSnapshot(ID, SshAddress.parse("root@192.168.1.1:2222"), SshAddress.parse("tunnel@relay.example.com"), state,
                OptionalInt.of(20001), since, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void restoreShowsRestoringUntilTheTunnelIsUp() {
        agentSays.add(snapshot(TunnelState.UP, T0)); // the state file still says UP from the last run
        List<String> changes = new ArrayList<>();
        model.onChange(() -> changes.add("changed"));
        model.start(true);

        TunnelRow row = model.rows().getFirst();
        assertThat(row.state()).isEqualTo("Restoring…");
        assertThat(row.health()).isEqualTo(Health.PENDING);
        assertThat(model.summary()).isEqualTo(Health.PENDING);

        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(1), TunnelState.UP, TunnelState.CONNECTING));
        assertThat(model.rows().getFirst().state()).as("still restoring while it connects").isEqualTo("Restoring…");

        agentSays.set(0, snapshot(TunnelState.UP, T0.plusSeconds(2)));
        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(2), TunnelState.CONNECTING, TunnelState.UP));
        row = model.rows().getFirst();
        assertThat(row.state()).isEqualTo("UP");
        assertThat(row.health()).isEqualTo(Health.GOOD);
        assertThat(row.relayPort()).isEqualTo("relay.example.com:20001");
        assertThat(row.sshCommand()).contains("ssh -p 20001 root@127.0.0.1");
        assertThat(row.uptime(T0.plusSeconds(64))).isEqualTo("1m2s");
        assertThat(model.summary()).isEqualTo(Health.GOOD);
        assertThat(changes).isNotEmpty();
        assertThat(model.log(ID)).hasSize(2).last().asString().contains("CONNECTING -> UP");
    }

    @Test
    void aFailedRestoreShowsItsReason() {
        agentSays.add(snapshot(TunnelState.UP, T0));
        model.start(true);
        agentSays.set(0, snapshot(new TunnelState.Failed("authentication failed for root@192.168.1.1:2222"), T0.plusSeconds(3)));
        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(3), TunnelState.CONNECTING,
                new TunnelState.Failed("authentication failed for root@192.168.1.1:2222")));

        TunnelRow row = model.rows().getFirst();
        assertThat(row.state()).isEqualTo("FAILED");
        assertThat(row.health()).isEqualTo(Health.BAD);
        assertThat(row.lastError()).contains("authentication failed for root@192.168.1.1:2222");
    }

    @Test
    void restoredEndsRestoringEvenWithoutEvents() {
        agentSays.add(snapshot(TunnelState.UP, T0));
        model.start(true);
        model.restored();
        assertThat(model.rows().getFirst().state()).isEqualTo("UP");
    }

    @Test
    void attachedShowsTheRealStatesAtOnce() {
        agentSays.add(snapshot(TunnelState.UP, T0));
        model.start(false);
        assertThat(model.rows().getFirst().state()).isEqualTo("UP");
    }

    @Test
    void rttSamplesStayWithinTheChartWindowAndDropsAndReturnsAreNoticed() {
        agentSays.add(snapshot(TunnelState.UP, T0));
        model.start(false);
        List<TunnelsModel.Notice> notices = new ArrayList<>();
        model.onNotice(notices::add);
        model.onEvent(new TunnelEvent.Metrics(ID, T0, 20001, Duration.ofMillis(12)));
        model.onEvent(new TunnelEvent.Metrics(ID, T0.plusSeconds(400), 20001, Duration.ofMillis(30)));
        assertThat(model.rtt(ID, T0.plusSeconds(401))).extracting(TunnelsModel.RttSample::rtt).containsExactly(Duration.ofMillis(30));
        assertThat(model.rows().getFirst().rttText()).as("the table shows the latest probe").isEqualTo("30 ms");

        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(401), TunnelState.UP, new TunnelState.RelayUnreachable("relay down")));
        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(402), new TunnelState.RelayUnreachable("relay down"), TunnelState.CONNECTING));
        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(410), TunnelState.CONNECTING, TunnelState.UP));
        model.onEvent(new TunnelEvent.StateChanged(ID, T0.plusSeconds(420), TunnelState.UP, TunnelState.STOPPING));
        assertThat(notices).extracting(TunnelsModel.Notice::title).containsExactly("Tunnel dropped", "Tunnel back");
        assertThat(notices.getFirst().text()).contains("root@192.168.1.1:2222").contains("relay down");
        assertThat(model.rows().getFirst().lastError()).as("back up: the table no longer shows the old error").isEmpty();
        assertThat(model.log(ID)).anyMatch(l -> l.contains("relay down"));
    }

    @Test
    void theTraySumsUpTheWorstTunnel() {
        assertThat(Health.worst(List.of())).isEqualTo(Health.IDLE);
        assertThat(Health.worst(List.of(Health.GOOD, Health.BAD, Health.PENDING))).isEqualTo(Health.BAD);
        assertThat(Health.of(new TunnelState.RouterUnreachable("x"), false)).isEqualTo(Health.BAD);
        assertThat(Health.of(TunnelState.STOPPED, false)).isEqualTo(Health.IDLE);
    }

    @Test
    void themeFollowsTheDesktopWhereItTells() {
        assertThat(Theme.prefersDark(Optional.of("'prefer-dark'"), Optional.empty())).isTrue();
        assertThat(Theme.prefersDark(Optional.of("'prefer-light'"), Optional.of("Adwaita-dark"))).isFalse();
        assertThat(Theme.prefersDark(Optional.of("'default'"), Optional.of("Yaru-dark"))).isTrue();
        assertThat(Theme.prefersDark(Optional.empty(), Optional.empty())).isFalse();
    }
}

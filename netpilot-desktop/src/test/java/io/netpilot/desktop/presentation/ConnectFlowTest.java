package io.netpilot.desktop.presentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.HostKeyMismatchException;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostKeyUnknownException;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import io.netpilot.state.UserConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The connect steps and the host-key questions, without a display, against an agent that answers as
 * the real one does (its exceptions are core's): a new key is asked about and pinned only on yes; a
 * changed key is refused naming both fingerprints, and nobody is asked.
 */
class ConnectFlowTest {
    private static final String NEW_FP = "SHA256:newnewnewnewnewnewnewnewnewnewnewnewnewnew";

    private final List<ConnectRequest> requests = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();

    /** An agent whose connect answers with {@code answer} (a snapshot, or throws). */
    private Agent agent(Function<ConnectRequest, TunnelSnapshot> answer) {
        return new Agent() {
            @Override
            public TunnelSnapshot connect(ConnectRequest request) {
                requests.add(request);
                return answer.apply(request);
            }

            @Override
            public CleanupReport disconnect(TunnelId id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void retry(TunnelId id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<TunnelSnapshot> tunnels() {
                return List.of();
            }

            @Override
            public Subscription subscribe(TunnelEventListener listener) {
                return () -> { };
            }

            @Override
            public boolean attached() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    private static TunnelSnapshot up(ConnectRequest r) {
        return new TunnelSnapshot(r.spec().id(), r.spec().router().address(), r.spec().relay().address(), TunnelState.UP,
                OptionalInt.of(20001), Instant.now(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private ConnectForm form() {
        ConnectForm form = new ConnectForm(new UserConfig(Optional.of("tunnel@relay.example.com"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        form.router("root@192.168.1.1");
        return form;
    }

    private ConnectFlow flow(Agent agent, boolean userSaysYes) {
        return new ConnectFlow(agent, (router, password, policy) -> {
            throw new AssertionError("no password was given");
        }, (host, fingerprint) -> {
            asked.add(host + " " + fingerprint);
            return userSaysYes;
        });
    }

    /** Unknown keys are refused unless the request accepts new ones, as the real connector does. */
    private static TunnelSnapshot pinnedOnlyRefusesNewKeys(ConnectRequest r) {
        if (r.hostKeyPolicy() == HostKeyPolicy.PINNED_ONLY) {
            throw new HostKeyUnknownException("192.168.1.1:22", NEW_FP);
        }
        return up(r);
    }

    @Test
    void aNewHostKeyIsShownAndPinnedOnlyWhenTheUserAccepts() {
        ConnectFlow.Outcome outcome = flow(agent(ConnectFlowTest::pinnedOnlyRefusesNewKeys), true).run(form(), steps::add);

        assertThat(outcome).isInstanceOf(ConnectFlow.Outcome.Connected.class);
        assertThat(asked).containsExactly("192.168.1.1:22 " + NEW_FP);
        assertThat(requests).extracting(ConnectRequest::hostKeyPolicy).containsExactly(HostKeyPolicy.PINNED_ONLY, HostKeyPolicy.ACCEPT_NEW);
        assertThat(steps).last().asString().isEqualTo("UP on relay port 20001");
    }

    @Test
    void aNewHostKeyTheUserDeclinesIsNeverPinned() {
        ConnectFlow.Outcome outcome = flow(agent(ConnectFlowTest::pinnedOnlyRefusesNewKeys), false).run(form(), steps::add);

        assertThat(outcome).isEqualTo(new ConnectFlow.Outcome.Declined("192.168.1.1:22"));
        assertThat(requests).extracting(ConnectRequest::hostKeyPolicy).containsExactly(HostKeyPolicy.PINNED_ONLY);
    }

    @Test
    void aChangedHostKeyIsAnErrorNamingBothFingerprintsNeverAQuestion() {
        String pinned = "SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldold";
        ConnectFlow.Outcome outcome = flow(agent(r -> {
            throw new HostKeyMismatchException("192.168.1.1:22", pinned, NEW_FP);
        }), true).run(form(), steps::add);

        assertThat(asked).isEmpty();
        assertThat(outcome).isInstanceOf(ConnectFlow.Outcome.Failed.class);
        assertThat(((ConnectFlow.Outcome.Failed) outcome).message()).contains(pinned).contains(NEW_FP).contains("CHANGED");
        assertThat(requests).extracting(ConnectRequest::hostKeyPolicy).containsExactly(HostKeyPolicy.PINNED_ONLY);
    }

    @Test
    void aPasswordInstallsTheAgentKeyHereThenConnectsWithTheAgentKeyAndIsCleared() {
        List<String> installs = new ArrayList<>();
        ConnectForm form = form();
        form.login(ConnectForm.Login.PASSWORD);
        form.password("s3cret".toCharArray());
        ConnectFlow flow = new ConnectFlow(agent(ConnectFlowTest::up), (router, password, policy) -> {
            installs.add(router + " " + new String(password.secret()) + " " + policy);
        }, (host, fingerprint) -> false);

        assertThat(flow.run(form, steps::add)).isInstanceOf(ConnectFlow.Outcome.Connected.class);
        assertThat(installs).containsExactly("root@192.168.1.1:22 s3cret PINNED_ONLY");
        assertThat(requests.getFirst().routerCredentials()).as("the agent gets no password").isEqualTo(io.netpilot.core.Credentials.AGENT_KEY);
        assertThat(steps.getFirst()).startsWith("Installing the agent's key on root@192.168.1.1:22");
        assertThat(form.password()).as("the password is forgotten after use").isEmpty();
    }
}
